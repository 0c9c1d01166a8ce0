#include "auth/jwt.hpp"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <cstdint>

#include "auth/internal.hpp"

namespace estimate::auth {
namespace {

namespace json = boost::json;
using internal::Unauthenticated;

constexpr std::size_t kSignatureBytes = 32;  // SHA-256
constexpr std::size_t kMaxClaimBytes = 256;  // ids and names; anything longer is not ours
constexpr std::size_t kMaxJsonDepth = 4;

Status Malformed() { return Unauthenticated("token: malformed"); }

Status CheckSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return FailedPrecondition("jwt: the secret is shorter than " + std::to_string(kMinSecretBytes) +
                              " bytes");
  }
  return Status::Ok();
}

// A JSON object from base64url `segment`, nullopt for anything else. No exceptions escape.
std::optional<json::object> DecodeObject(std::string_view segment) {
  const std::optional<std::string> text = internal::Base64UrlDecode(segment);
  if (!text) return std::nullopt;
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  std::error_code ec;
  json::value value = json::parse(*text, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

const json::string* StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? nullptr : v->if_string();
}

// A required non-empty string claim of bounded size.
Status ReadString(const json::object& o, std::string_view key, std::string& out) {
  const json::string* s = StringMember(o, key);
  if (s == nullptr) return Unauthenticated("token: claim " + std::string(key) + " is missing");
  if (s->empty() || s->size() > kMaxClaimBytes) {
    return Unauthenticated("token: claim " + std::string(key) + " is invalid");
  }
  out.assign(s->data(), s->size());
  return Status::Ok();
}

// A NumericDate: our tokens write whole seconds, so only an integer is accepted.
Status ReadTime(const json::object& o, std::string_view key, Seconds& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Unauthenticated("token: claim " + std::string(key) + " is missing");
  const std::int64_t* n = v->if_int64();
  if (n == nullptr) return Unauthenticated("token: claim " + std::string(key) + " is invalid");
  out = Seconds(std::chrono::seconds(*n));
  return Status::Ok();
}

}  // namespace

const char* TokenTypeName(TokenType type) {
  switch (type) {
    case TokenType::kAccess:
      return "access";
    case TokenType::kRefresh:
      return "refresh";
  }
  return "unknown";
}

std::optional<TokenType> ParseTokenType(std::string_view name) {
  if (name == "access") return TokenType::kAccess;
  if (name == "refresh") return TokenType::kRefresh;
  return std::nullopt;
}

Result<std::string> Sign(const Claims& c, std::string_view secret) {
  if (Status s = CheckSecret(secret); !s.ok()) return s;
  if (c.sub.empty() || c.org.empty() || c.jti.empty()) {
    return InvalidArgument("jwt: sub, org and jti are required");
  }
  if (c.sub.size() > kMaxClaimBytes || c.org.size() > kMaxClaimBytes ||
      c.jti.size() > kMaxClaimBytes || c.fam.size() > kMaxClaimBytes) {
    return InvalidArgument("jwt: a claim is longer than " + std::to_string(kMaxClaimBytes) +
                           " bytes");
  }
  if (c.exp <= c.iat) return InvalidArgument("jwt: exp must be after iat");
  if (c.fam.empty()) return InvalidArgument("jwt: fam (the session) is required");

  json::object payload;
  payload["sub"] = c.sub;
  payload["org"] = c.org;
  payload["role"] = RoleName(c.role);
  payload["typ"] = TokenTypeName(c.typ);
  payload["jti"] = c.jti;
  payload["iat"] = c.iat.time_since_epoch().count();
  if (c.nbf) payload["nbf"] = c.nbf->time_since_epoch().count();
  payload["exp"] = c.exp.time_since_epoch().count();
  if (!c.fam.empty()) payload["fam"] = c.fam;

  static const std::string kHeader = internal::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  std::string token = kHeader + "." + internal::Base64UrlEncode(json::serialize(payload));
  const std::optional<std::string> mac = internal::HmacSha256(secret, token);
  if (!mac) return Internal("jwt: HMAC failed");
  token += '.';
  token += internal::Base64UrlEncode(*mac);
  return token;
}

Result<Claims> Verify(std::string_view token, std::string_view secret, TokenType expected,
                      Seconds now, std::chrono::seconds leeway) {
  if (Status s = CheckSecret(secret); !s.ok()) return s;
  if (token.empty() || token.size() > kMaxTokenBytes) return Malformed();

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return Malformed();
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return Malformed();
  }
  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);

  // The header decides nothing but is checked first: only HS256 is ever verified, whatever the
  // token claims, and a header asking for extensions we do not implement ("crit") is refused.
  const std::optional<json::object> header = DecodeObject(header_b64);
  if (!header) return Malformed();
  const json::string* alg = StringMember(*header, "alg");
  if (alg == nullptr || *alg != "HS256") return Unauthenticated("token: algorithm not allowed");
  if (header->contains("crit")) return Unauthenticated("token: unsupported header");
  if (const json::value* typ = header->if_contains("typ");
      typ != nullptr && !(typ->is_string() && typ->get_string() == "JWT")) {
    return Unauthenticated("token: unsupported header");
  }

  const std::optional<std::string> signature = internal::Base64UrlDecode(signature_b64);
  if (!signature || signature->size() != kSignatureBytes) return Malformed();
  const std::optional<std::string> mac = internal::HmacSha256(secret, token.substr(0, second_dot));
  if (!mac) return Internal("jwt: HMAC failed");
  if (CRYPTO_memcmp(mac->data(), signature->data(), kSignatureBytes) != 0) {
    return Unauthenticated("token: bad signature");
  }

  // Signed by us from here on; the checks below guard against our own mistakes and old tokens.
  const std::optional<json::object> payload = DecodeObject(payload_b64);
  if (!payload) return Malformed();
  Claims c;
  std::string text;
  if (Status s = ReadString(*payload, "typ", text); !s.ok()) return s;
  const std::optional<TokenType> typ = ParseTokenType(text);
  if (!typ) return Unauthenticated("token: claim typ is invalid");
  if (*typ != expected) {
    return Unauthenticated(expected == TokenType::kAccess ? "token: not an access token"
                                                          : "token: not a refresh token");
  }
  c.typ = *typ;
  for (const auto& [key, field] :
       {std::pair<const char*, std::string*>{"sub", &c.sub}, {"org", &c.org}, {"jti", &c.jti}}) {
    if (Status s = ReadString(*payload, key, *field); !s.ok()) return s;
  }
  if (Status s = ReadString(*payload, "role", text); !s.ok()) return s;
  const std::optional<Role> role = ParseRole(text);
  if (!role) return Unauthenticated("token: claim role is invalid");
  c.role = *role;
  if (Status s = ReadTime(*payload, "iat", c.iat); !s.ok()) return s;
  if (Status s = ReadTime(*payload, "exp", c.exp); !s.ok()) return s;
  if (payload->contains("nbf")) {
    Seconds nbf;
    if (Status s = ReadTime(*payload, "nbf", nbf); !s.ok()) return s;
    c.nbf = nbf;
  }
  // Every token names its session, so that each request can be checked against it (an access
  // token of an ended session is refused at once, not when it expires).
  if (Status s = ReadString(*payload, "fam", c.fam); !s.ok()) return s;

  if (c.exp <= now - leeway) return Unauthenticated("token: expired");
  if (c.nbf && *c.nbf > now + leeway) return Unauthenticated("token: not yet valid");
  if (c.iat > now + leeway) return Unauthenticated("token: not yet valid");
  return c;
}

Result<std::string> NewTokenId() {
  const std::optional<std::string> bytes = internal::RandomBytes(16);
  if (!bytes) return Internal("jwt: the random generator failed");
  return internal::HexEncode(*bytes);
}

}  // namespace estimate::auth
