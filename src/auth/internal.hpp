#pragma once
// Private to src/auth (tests may include it): encodings, randomness and the status helpers the
// module shares. Not part of the contract; nothing outside auth and its tests includes this.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::auth::internal {

// RFC 4648 §5 base64url without padding (JWT segments).
std::string Base64UrlEncode(std::string_view bytes);
// RFC 4648 §4 standard alphabet without padding (the PHC string format).
std::string Base64Encode(std::string_view bytes);

// Strict decoders: reject padding, characters of the other alphabet, whitespace, a length of
// 1 mod 4 and non-zero unused trailing bits, so that every byte string has exactly one accepted
// encoding (a tampered last character of a signature can never decode to the same bytes).
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::optional<std::string> Base64Decode(std::string_view text);

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

// HMAC-SHA256 of `data` under `key` (32 bytes); nullopt only if OpenSSL fails.
std::optional<std::string> HmacSha256(std::string_view key, std::string_view data);

// `size` bytes from OpenSSL's CSPRNG; nullopt only if the generator fails (never silently weak).
std::optional<std::string> RandomBytes(std::size_t size);

inline Status Unauthenticated(std::string message) {
  return {StatusCode::kUnauthenticated, std::move(message)};
}

}  // namespace estimate::auth::internal
