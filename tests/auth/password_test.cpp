#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace estimate::auth {
namespace {

// Cheap parameters: the tests check behaviour, not cost.
const Argon2Params kCheap{.memory_kib = 64, .iterations = 1, .parallelism = 1};

TEST(Password, HashesInPhcFormatAndVerifiesTheSamePassword) {
  auto phc = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(phc.ok()) << phc.status().message();
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u) << *phc;
  auto ok = VerifyPassword("correct horse battery", *phc);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
}

TEST(Password, RefusesAWrongPassword) {
  auto phc = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(phc.ok());
  for (const char* wrong : {"correct horse batterY", "", "correct horse battery ", "x"}) {
    auto ok = VerifyPassword(wrong, *phc);
    ASSERT_TRUE(ok.ok());
    EXPECT_FALSE(*ok) << wrong;
  }
}

TEST(Password, SaltsEachHashAfresh) {
  auto a = HashPassword("correct horse battery", kCheap);
  auto b = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(ParsePhc(*a)->salt.size(), 16u);
}

TEST(Password, DefaultParametersAreOwaspMinimum) {
  const Argon2Params p;
  EXPECT_EQ(p.memory_kib, 19456u);
  EXPECT_EQ(p.iterations, 2u);
  EXPECT_EQ(p.parallelism, 1u);
  auto phc = HashPassword("пароль-на-русском", p);
  ASSERT_TRUE(phc.ok());
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
  EXPECT_TRUE(*VerifyPassword("пароль-на-русском", *phc));
  EXPECT_FALSE(NeedsRehash(*phc));
}

TEST(Password, VerifiesTheReferenceImplementationsVector) {
  // argon2id, "password", salt "somesalt", m=64 MiB, t=2, p=1: the vector of the reference
  // implementation's test suite (phc-winner-argon2 src/test.c), reproduced by other libraries.
  const std::string phc =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  auto parsed = ParsePhc(phc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->salt, "somesalt");
  EXPECT_EQ(parsed->params.memory_kib, 65536u);
  EXPECT_EQ(parsed->params.iterations, 2u);
  EXPECT_EQ(parsed->params.parallelism, 1u);
  EXPECT_EQ(parsed->hash.size(), 32u);
  EXPECT_EQ(FormatPhc(*parsed), phc);
  EXPECT_TRUE(*VerifyPassword("password", phc));
  EXPECT_FALSE(*VerifyPassword("passwore", phc));
}

TEST(Password, TamperedHashStringNeverVerifies) {
  auto phc = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(phc.ok());
  // Flip each character of the salt and the hash in turn: either the string no longer parses
  // (an error) or it parses and the password no longer matches.
  const std::size_t salt_start = phc->rfind('$', phc->rfind('$') - 1) + 1;
  for (std::size_t i = salt_start; i < phc->size(); ++i) {
    if ((*phc)[i] == '$') continue;
    std::string tampered = *phc;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    auto ok = VerifyPassword("correct horse battery", tampered);
    EXPECT_TRUE(!ok.ok() || !*ok) << "position " << i;
  }
  // Parameters changed: a different derivation, no match.
  std::string weaker = *phc;
  weaker.replace(weaker.find("t=1"), 3, "t=2");
  auto ok = VerifyPassword("correct horse battery", weaker);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(*ok);
}

TEST(Password, ParsesPhcStrictly) {
  const std::string good = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$" + std::string(43, 'A');
  EXPECT_TRUE(ParsePhc(good).ok()) << ParsePhc(good).status().message();
  for (const std::string& bad : {
           std::string(""),
           std::string("plain text"),
           std::string("$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=64,t=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=-64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=064,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=64,t=1,p=1$c29tZQ$") + std::string(43, 'A'),  // 5 B
           std::string("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$") + std::string(43, 'A'),
           std::string("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(8, 'A'),
           std::string("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(42, 'A') + "*",
           std::string("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$") + std::string(43, 'A') + "$",
       }) {
    auto parsed = ParsePhc(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    auto verified = VerifyPassword("correct horse battery", bad);
    EXPECT_FALSE(verified.ok()) << bad;
  }
}

TEST(Password, NeedsRehashWhenWeakerThanCurrent) {
  auto phc = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(phc.ok());
  EXPECT_FALSE(NeedsRehash(*phc, kCheap));
  EXPECT_TRUE(NeedsRehash(*phc));  // the defaults use more memory and iterations
  Argon2Params more_iterations = kCheap;
  more_iterations.iterations = 2;
  EXPECT_TRUE(NeedsRehash(*phc, more_iterations));
  Argon2Params less = kCheap;
  less.memory_kib = 32;
  EXPECT_FALSE(NeedsRehash(*phc, less));  // stronger than required: keep
  EXPECT_TRUE(NeedsRehash("not a hash", kCheap));
}

TEST(Password, DummyVerificationCostsAboutAsMuchAsARealOne) {
  auto phc = HashPassword("correct horse battery");
  ASSERT_TRUE(phc.ok());
  using Clock = std::chrono::steady_clock;
  // The fastest of three runs each, so a busy shared machine does not decide the outcome.
  Clock::duration real = Clock::duration::max(), dummy = Clock::duration::max();
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    (void)VerifyPassword("wrong horse battery", *phc);
    const auto t1 = Clock::now();
    VerifyDummyPassword("wrong horse battery");
    const auto t2 = Clock::now();
    real = std::min(real, t1 - t0);
    dummy = std::min(dummy, t2 - t1);
  }
  EXPECT_GT(dummy * 3, real);
  EXPECT_LT(dummy, real * 3);
}

TEST(Password, RefusesBadParameters) {
  EXPECT_FALSE(HashPassword("correct horse battery", {.memory_kib = 4}).ok());
  EXPECT_FALSE(HashPassword("correct horse battery", {.memory_kib = 64, .iterations = 0}).ok());
  EXPECT_FALSE(
      HashPassword("correct horse battery", {.memory_kib = 64, .iterations = 1, .salt_bytes = 4})
          .ok());
  EXPECT_FALSE(HashPassword(std::string(kMaxPasswordBytes + 1, 'x'), kCheap).ok());
}

TEST(PasswordPolicy, AcceptsReasonablePasswords) {
  for (const char* p : {"correct horse", "0123456789", "пароль2024", "aaaaaaaaab"}) {
    EXPECT_TRUE(CheckPasswordPolicy(p).ok()) << p;
  }
}

TEST(PasswordPolicy, RefusesShortOrRepeatedOrHugePasswords) {
  for (const std::string& p : {std::string(""), std::string("short"), std::string("123456789"),
                               std::string("aaaaaaaaaa"), std::string(40, '*'),
                               std::string("аааааааааа"),  // Cyrillic а, 20 bytes
                               std::string(kMaxPasswordBytes + 1, 'x') + "y"}) {
    const Status s = CheckPasswordPolicy(p);
    ASSERT_FALSE(s.ok()) << p;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().rfind("password: ", 0), 0u) << s.message();
    if (!p.empty()) {
      EXPECT_EQ(s.message().find(p), std::string::npos) << "echoes the password";
    }
  }
}

}  // namespace
}  // namespace estimate::auth
