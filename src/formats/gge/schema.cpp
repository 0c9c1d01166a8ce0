// ГГЭ XML against its XSD (libxml2), and the type a ГГЭ file declares: gge.hpp.
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <string>
#include <vector>

#include "formats/gge/detail/xml_support.hpp"
#include "formats/gge/gge.hpp"

namespace estimate::formats {

using namespace xml;  // NOLINT: the XML helpers

namespace {

struct SchemaErrors {
  std::vector<std::string> lines;
};

void CollectError(void* context, xmlError* error) {
  auto* errors = static_cast<SchemaErrors*>(context);
  if (errors->lines.size() >= 20) return;
  std::string message = error->message != nullptr ? error->message : "invalid";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  errors->lines.push_back("line " + std::to_string(error->line) + ": " + message);
}

}  // namespace

Status ValidateXml(std::string_view xml, const std::string& xsd_path) {
  InitLibxml();
  SchemaErrors errors;
  std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> parser(
      xmlSchemaNewParserCtxt(xsd_path.c_str()), xmlSchemaFreeParserCtxt);
  if (!parser) return NotFound("schema " + xsd_path + ": cannot be read");
  xmlSchemaSetParserStructuredErrors(parser.get(), CollectError, &errors);
  std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(parser.get()),
                                                              xmlSchemaFree);
  if (!schema) {
    return NotFound("schema " + xsd_path + ": not found or not a valid XSD" +
                    (errors.lines.empty() ? "" : " (" + errors.lines.front() + ")"));
  }
  // Our own output, but parsed under the same bounds as an upload: it costs one linear scan.
  auto doc = ParseGgeFile(xml);
  if (!doc.ok()) return doc.status();
  std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> valid(
      xmlSchemaNewValidCtxt(schema.get()), xmlSchemaFreeValidCtxt);
  xmlSchemaSetValidStructuredErrors(valid.get(), CollectError, &errors);
  if (xmlSchemaValidateDoc(valid.get(), doc->get()) == 0) return Status::Ok();
  std::string message = "xml: not valid against " + xsd_path;
  for (const auto& line : errors.lines) message += "\n" + line;
  return InvalidArgument(message);
}

Result<std::string> GgeDocumentType(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  std::string type = TextAt(root, "Meta/File/Type");
  if (type.empty()) {
    return InvalidArgument("xml: no Meta/File/Type: not a ГГЭ XML document");
  }
  return type;
}

}  // namespace estimate::formats
