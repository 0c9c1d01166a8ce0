# Turns notes/methodology.md into a C++ string compiled into the program (ai/chat.hpp:
# MethodologyNotes), so that the assistant's retrieval needs no file at run time.
file(READ ${SRC}/notes/methodology.md notes)
set(out "// Generated from src/ai/notes by embed_notes.cmake. Do not edit.\n")
string(APPEND out "#include \"ai/chat.hpp\"\n\nnamespace estimate::ai {\n\n")
string(APPEND out "std::string_view MethodologyNotes() {\n  return R\"notes(${notes})notes\";\n}\n\n")
string(APPEND out "}  // namespace estimate::ai\n")
file(WRITE ${OUT}.tmp "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
