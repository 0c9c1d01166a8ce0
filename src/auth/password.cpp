#include "auth/password.hpp"

#include <argon2.h>
#include <openssl/crypto.h>

#include <charconv>
#include <optional>
#include <vector>

#include "auth/internal.hpp"

namespace estimate::auth {
namespace {

constexpr std::uint32_t kMaxMemoryKib = 1u << 20;  // 1 GiB
constexpr std::uint32_t kMaxIterations = 64;
constexpr std::uint32_t kMaxParallelism = 16;
constexpr std::uint32_t kMinSaltBytes = 8, kMaxSaltBytes = 64;
constexpr std::uint32_t kMinHashBytes = 16, kMaxHashBytes = 64;

Status CheckParams(const Argon2Params& p) {
  if (p.parallelism < 1 || p.parallelism > kMaxParallelism) {
    return InvalidArgument("argon2: parallelism must be 1–16");
  }
  if (p.memory_kib < 8 * p.parallelism || p.memory_kib > kMaxMemoryKib) {
    return InvalidArgument("argon2: memory must be 8×parallelism KiB to 1 GiB");
  }
  if (p.iterations < 1 || p.iterations > kMaxIterations) {
    return InvalidArgument("argon2: iterations must be 1–64");
  }
  if (p.salt_bytes < kMinSaltBytes || p.salt_bytes > kMaxSaltBytes) {
    return InvalidArgument("argon2: salt must be 8–64 bytes");
  }
  if (p.hash_bytes < kMinHashBytes || p.hash_bytes > kMaxHashBytes) {
    return InvalidArgument("argon2: hash must be 16–64 bytes");
  }
  return Status::Ok();
}

// Splits `s` at every `sep`.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// A decimal without sign, leading zeros or overflow.
std::optional<std::uint32_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<std::string> DeriveKey(std::string_view password, const PhcHash& h) {
  std::string key(h.hash.size(), '\0');
  const int rc = argon2id_hash_raw(h.params.iterations, h.params.memory_kib, h.params.parallelism,
                                   password.data(), password.size(), h.salt.data(), h.salt.size(),
                                   key.data(), key.size());
  if (rc != ARGON2_OK) {
    // argon2's own text names the failing limit (e.g. memory allocation), never the input.
    return Internal(std::string("argon2: ") + argon2_error_message(rc));
  }
  return key;
}

}  // namespace

Result<PhcHash> ParsePhc(std::string_view phc) {
  // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
  const std::vector<std::string_view> parts = Split(phc, '$');
  if (parts.size() != 6 || !parts[0].empty()) {
    return InvalidArgument("password hash: not a PHC string ($argon2id$v=…$m=…,t=…,p=…$salt$hash)");
  }
  if (parts[1] != "argon2id") return InvalidArgument("password hash: algorithm is not argon2id");
  if (parts[2].substr(0, 2) != "v=") return InvalidArgument("password hash: version is missing");
  PhcHash h;
  const auto version = ParseDecimal(parts[2].substr(2));
  if (!version || *version != ARGON2_VERSION_13) {
    return InvalidArgument("password hash: version is not 19");
  }
  h.version = *version;

  const std::vector<std::string_view> params = Split(parts[3], ',');
  if (params.size() != 3 || params[0].substr(0, 2) != "m=" || params[1].substr(0, 2) != "t=" ||
      params[2].substr(0, 2) != "p=") {
    return InvalidArgument("password hash: parameters are not m=…,t=…,p=…");
  }
  const auto m = ParseDecimal(params[0].substr(2));
  const auto t = ParseDecimal(params[1].substr(2));
  const auto p = ParseDecimal(params[2].substr(2));
  if (!m || !t || !p) return InvalidArgument("password hash: a parameter is not a number");
  h.params.memory_kib = *m;
  h.params.iterations = *t;
  h.params.parallelism = *p;

  auto salt = internal::Base64Decode(parts[4]);
  if (!salt) return InvalidArgument("password hash: salt is not base64");
  auto hash = internal::Base64Decode(parts[5]);
  if (!hash) return InvalidArgument("password hash: hash is not base64");
  h.salt = std::move(*salt);
  h.hash = std::move(*hash);
  h.params.salt_bytes = static_cast<std::uint32_t>(h.salt.size());
  h.params.hash_bytes = static_cast<std::uint32_t>(h.hash.size());
  if (Status s = CheckParams(h.params); !s.ok()) {
    return InvalidArgument("password hash: " + s.message());
  }
  return h;
}

std::string FormatPhc(const PhcHash& h) {
  return "$argon2id$v=" + std::to_string(h.version) + "$m=" + std::to_string(h.params.memory_kib) +
         ",t=" + std::to_string(h.params.iterations) +
         ",p=" + std::to_string(h.params.parallelism) + "$" + internal::Base64Encode(h.salt) + "$" +
         internal::Base64Encode(h.hash);
}

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  if (Status s = CheckParams(params); !s.ok()) return s;
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("password: longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  PhcHash h;
  h.version = ARGON2_VERSION_13;
  h.params = params;
  auto salt = internal::RandomBytes(params.salt_bytes);
  if (!salt) return Internal("argon2: the random generator failed");
  h.salt = std::move(*salt);
  h.hash.assign(params.hash_bytes, '\0');
  auto key = DeriveKey(password, h);
  if (!key.ok()) return key.status();
  h.hash = std::move(*key);
  return FormatPhc(h);
}

Result<bool> VerifyPassword(std::string_view password, std::string_view phc) {
  auto parsed = ParsePhc(phc);
  if (!parsed.ok()) return parsed.status();
  // Over-long input cannot match anything we stored; refusing it also bounds the work.
  if (password.size() > kMaxPasswordBytes) return false;
  auto key = DeriveKey(password, *parsed);
  if (!key.ok()) return key.status();
  return CRYPTO_memcmp(key->data(), parsed->hash.data(), parsed->hash.size()) == 0;
}

void VerifyDummyPassword(std::string_view password, const Argon2Params& params) {
  PhcHash dummy;
  dummy.params = params;
  dummy.salt.assign(params.salt_bytes, '\x5a');
  dummy.hash.assign(params.hash_bytes, '\0');
  if (!CheckParams(params).ok()) return;
  (void)DeriveKey(password.substr(0, kMaxPasswordBytes), dummy);
}

bool NeedsRehash(std::string_view phc, const Argon2Params& current) {
  auto parsed = ParsePhc(phc);
  if (!parsed.ok()) return true;
  const Argon2Params& p = parsed->params;
  return parsed->version != ARGON2_VERSION_13 || p.memory_kib < current.memory_kib ||
         p.iterations < current.iterations || p.parallelism < current.parallelism ||
         p.salt_bytes < current.salt_bytes || p.hash_bytes < current.hash_bytes;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return InvalidArgument("password: must be at least " + std::to_string(kMinPasswordBytes) +
                           " bytes long");
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("password: must be at most " + std::to_string(kMaxPasswordBytes) +
                           " bytes long");
  }
  // The first UTF-8 code point (a lead byte and its continuation bytes); the password is one
  // character repeated when it is a whole number of copies of it.
  std::size_t first = 1;
  while (first < password.size() && (static_cast<unsigned char>(password[first]) & 0xC0) == 0x80) {
    ++first;
  }
  const std::string_view unit = password.substr(0, first);
  bool repeated = password.size() % unit.size() == 0;
  for (std::size_t i = 0; repeated && i < password.size(); i += unit.size()) {
    repeated = password.substr(i, unit.size()) == unit;
  }
  if (repeated) return InvalidArgument("password: must not be one character repeated");
  return Status::Ok();
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace estimate::auth
