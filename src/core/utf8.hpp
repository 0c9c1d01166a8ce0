#pragma once
// Moved to core/text.hpp. Kept only while src/formats/boq_import.cpp (being moved into a
// subfolder in parallel) still includes it; delete once that include names core/text.hpp.
#include "core/text.hpp"
