#pragma once
// Passwords: argon2id hashes in the PHC string format, constant-time verification, and the
// password policy. A stored hash carries its own parameters and salt, so raising the parameters
// later keeps old hashes verifiable; NeedsRehash tells the login path when to store a new one.
//
// Thread-safe: no shared state. Cost: one hash or verification takes the configured memory
// (19 MiB by default) and 25–70 ms of one core on the development machine; callers run
// it on a worker thread, never on a network thread.
// Nothing here logs, and no message contains a password or a hash.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::auth {

// argon2id cost parameters. The defaults are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1),
// chosen for a login endpoint on a 2-core server; tests pass cheaper ones.
struct Argon2Params {
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
  std::uint32_t salt_bytes = 16;
  std::uint32_t hash_bytes = 32;
};

// One parsed "$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>" string; salt and hash are raw bytes.
struct PhcHash {
  std::uint32_t version = 19;
  Argon2Params params;
  std::string salt;
  std::string hash;
};

// Parses a PHC string of argon2id, version 19, with bounded parameters (m ≤ 1 GiB, t ≤ 64,
// p ≤ 16, salt 8–64 bytes, hash 16–64 bytes), so that a corrupted row cannot make verification
// allocate gigabytes. InvalidArgument naming the part at fault otherwise.
Result<PhcHash> ParsePhc(std::string_view phc);

// The canonical PHC string of `hash` (salt and hash in unpadded standard base64).
std::string FormatPhc(const PhcHash& hash);

// Hashes `password` with a fresh random salt. InvalidArgument for bad parameters or a password
// over kMaxPasswordBytes; Internal if the random generator or argon2 fails.
Result<std::string> HashPassword(std::string_view password, const Argon2Params& params = {});

// True when `password` matches `phc`, false when it does not. The comparison of the derived key
// is constant-time. A malformed `phc` is an error (InvalidArgument), never a silent false, so a
// corrupted row is noticed; the login path answers both the same way to the client.
Result<bool> VerifyPassword(std::string_view password, std::string_view phc);

// Spends the time of one verification under `params` and forgets the result. The sign-in path
// calls it when the account does not exist, so that the answer's timing does not tell which
// accounts exist.
void VerifyDummyPassword(std::string_view password, const Argon2Params& params = {});

// True when `phc` was made with weaker parameters than `current` (less memory, fewer iterations,
// less parallelism, a shorter salt or hash, another version) or does not parse: after a
// successful login the caller hashes the password again and stores the new string.
bool NeedsRehash(std::string_view phc, const Argon2Params& current = {});

inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// The password policy for new passwords: at least kMinPasswordBytes bytes, at most
// kMaxPasswordBytes, and not one character repeated (counted in UTF-8 code points, so
// "аааааааааа" is refused too). InvalidArgument whose message starts with "password: ".
Status CheckPasswordPolicy(std::string_view password);

// Whether two secrets (a configured token and the one presented) are equal, in time that does
// not depend on where they differ.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace estimate::auth
