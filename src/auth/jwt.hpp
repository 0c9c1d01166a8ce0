#pragma once
// JSON Web Tokens (RFC 7519), HS256 only: the access and refresh tokens of the service.
//
// Verify accepts exactly what Sign produces: header alg "HS256" (anything else, "none" and
// "HS512" and "RS256" included, is refused before the signature is looked at, so no algorithm
// confusion), a signature compared in constant time, canonical base64url, JSON objects, every
// required claim with its type, the expected `typ` (an access token is never a refresh token and
// vice versa), and the validity window [nbf, exp) widened by `leeway` for clock skew.
// Every refusal is Unauthenticated with a short reason ("token: expired"); no message contains a
// token, a claim value or a secret. A secret shorter than kMinSecretBytes is FailedPrecondition:
// a configuration fault, not the client's.
//
// Pure and thread-safe: time comes in as `now`.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/role.hpp"
#include "auth/time.hpp"
#include "core/status.hpp"

namespace estimate::auth {

enum class TokenType { kAccess, kRefresh };

// "access", "refresh": the `typ` claim.
const char* TokenTypeName(TokenType type);
std::optional<TokenType> ParseTokenType(std::string_view name);

struct Claims {
  std::string sub;  // user id
  std::string org;  // organization id: the token speaks for the user within this one only
  Role role = Role::kViewer;
  TokenType typ = TokenType::kAccess;
  std::string jti;  // token id, NewTokenId()
  Seconds iat{};
  Seconds exp{};
  std::optional<Seconds> nbf;  // optional; written only when set
  std::string fam;             // the session: the rotation family id, on both token types
};

inline constexpr std::size_t kMinSecretBytes = 32;  // RFC 7518 §3.2: a key of ≥ 256 bits
inline constexpr std::size_t kMaxTokenBytes = 8192;

// The compact serialization of `claims`, signed with HMAC-SHA256 under `secret`.
// InvalidArgument if a required claim (`fam` included) is empty or exp ≤ iat; FailedPrecondition
// for a short secret.
Result<std::string> Sign(const Claims& claims, std::string_view secret);

// The claims of `token` if it is valid at `now` as a token of type `expected`.
// Expired when exp + leeway ≤ now; not yet valid when nbf or iat > now + leeway.
Result<Claims> Verify(std::string_view token, std::string_view secret, TokenType expected,
                      Seconds now, std::chrono::seconds leeway = std::chrono::seconds(0));

// A fresh random 128-bit id as 32 lower-case hex digits (jti, fam). Internal if the random
// generator fails.
Result<std::string> NewTokenId();

}  // namespace estimate::auth
