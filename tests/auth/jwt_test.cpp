#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "auth/internal.hpp"

namespace estimate::auth {
namespace {

using std::chrono::seconds;

const std::string kSecret = "0123456789abcdef0123456789abcdef-access";
const std::string kOtherSecret = "0123456789abcdef0123456789abcdef-other!";
const Seconds kNow{seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z

Claims AccessClaims() {
  return {.sub = "user-1",
          .org = "org-1",
          .role = Role::kEstimator,
          .typ = TokenType::kAccess,
          .jti = "00112233445566778899aabbccddeeff",
          .iat = kNow,
          .exp = kNow + seconds(900),
          .nbf = std::nullopt,
          .fam = "aaeeddccbbaa99887766554433221100"};
}

Claims RefreshClaims() {
  Claims c = AccessClaims();
  c.typ = TokenType::kRefresh;
  c.exp = kNow + seconds(7 * 24 * 3600);
  c.fam = "ffeeddccbbaa99887766554433221100";
  return c;
}

std::string SignOrDie(const Claims& c, const std::string& secret = kSecret) {
  auto token = Sign(c, secret);
  EXPECT_TRUE(token.ok()) << token.status().message();
  return token.ok() ? *token : std::string();
}

// A token assembled by hand: any header and payload JSON, signed with HMAC-SHA256 under
// `secret` whatever the header says (what an attacker who knows nothing else can do).
std::string Craft(const std::string& header_json, const std::string& payload_json,
                  const std::string& secret = kSecret) {
  const std::string input =
      internal::Base64UrlEncode(header_json) + "." + internal::Base64UrlEncode(payload_json);
  return input + "." + internal::Base64UrlEncode(*internal::HmacSha256(secret, input));
}

const std::string kGoodHeader = R"({"alg":"HS256","typ":"JWT"})";
const std::string kGoodPayload =
    R"({"sub":"user-1","org":"org-1","role":"viewer","typ":"access",)"
    R"("jti":"00112233445566778899aabbccddeeff","iat":1767225600,"exp":1767226500,)"
    R"("fam":"ffeeddccbbaa99887766554433221100"})";

Status VerifyStatus(const std::string& token, TokenType type = TokenType::kAccess,
                    const std::string& secret = kSecret, Seconds now = kNow) {
  return Verify(token, secret, type, now).status();
}

void ExpectUnauthenticated(const Status& s, const std::string& reason) {
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.message();
  EXPECT_NE(s.message().find(reason), std::string::npos) << s.message();
}

TEST(Jwt, SignsAndVerifiesAnAccessToken) {
  const std::string token = SignOrDie(AccessClaims());
  EXPECT_EQ(token.rfind("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 0), 0u) << token;
  auto claims = Verify(token, kSecret, TokenType::kAccess, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->sub, "user-1");
  EXPECT_EQ(claims->org, "org-1");
  EXPECT_EQ(claims->role, Role::kEstimator);
  EXPECT_EQ(claims->typ, TokenType::kAccess);
  EXPECT_EQ(claims->jti, "00112233445566778899aabbccddeeff");
  EXPECT_EQ(claims->iat, kNow);
  EXPECT_EQ(claims->exp, kNow + seconds(900));
  EXPECT_FALSE(claims->nbf.has_value());
  EXPECT_EQ(claims->fam, "aaeeddccbbaa99887766554433221100");
}

TEST(Jwt, SignsAndVerifiesARefreshTokenWithItsFamily) {
  auto claims = Verify(SignOrDie(RefreshClaims()), kSecret, TokenType::kRefresh, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->fam, "ffeeddccbbaa99887766554433221100");
}

TEST(Jwt, AcceptsAHandMadeTokenOfTheSameShape) {
  // Independent of Sign: the format is what RFC 7519 says, not whatever Sign happens to do.
  auto claims = Verify(Craft(kGoodHeader, kGoodPayload), kSecret, TokenType::kAccess, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->role, Role::kViewer);
}

TEST(Jwt, RefusesTheWrongTokenType) {
  ExpectUnauthenticated(VerifyStatus(SignOrDie(RefreshClaims()), TokenType::kAccess),
                        "not an access token");
  ExpectUnauthenticated(VerifyStatus(SignOrDie(AccessClaims()), TokenType::kRefresh),
                        "not a refresh token");
}

TEST(Jwt, RefusesAWrongSecret) {
  ExpectUnauthenticated(VerifyStatus(SignOrDie(AccessClaims()), TokenType::kAccess, kOtherSecret),
                        "bad signature");
}

TEST(Jwt, RefusesATamperedPayload) {
  const std::string token = SignOrDie(AccessClaims());
  const std::size_t a = token.find('.'), b = token.rfind('.');
  std::string payload = *internal::Base64UrlDecode(token.substr(a + 1, b - a - 1));
  payload.replace(payload.find("estimator"), 9, "admin");
  const std::string tampered =
      token.substr(0, a + 1) + internal::Base64UrlEncode(payload) + token.substr(b);
  ExpectUnauthenticated(VerifyStatus(tampered), "bad signature");
}

TEST(Jwt, RefusesATamperedSignatureInEveryCharacter) {
  const std::string token = SignOrDie(AccessClaims());
  for (std::size_t i = token.rfind('.') + 1; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    const Status s = VerifyStatus(tampered);
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << "position " << i;
  }
  // The last character carries 2 unused bits; a variant that decodes to the same bytes under a
  // lenient decoder must still be refused.
  std::string last = token;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::size_t v = alphabet.find(last.back());
  last.back() = alphabet[v ^ 1];
  EXPECT_FALSE(Verify(last, kSecret, TokenType::kAccess, kNow).ok());
  EXPECT_FALSE(Verify(token + "A", kSecret, TokenType::kAccess, kNow).ok());
  EXPECT_FALSE(Verify(token.substr(0, token.size() - 1), kSecret, TokenType::kAccess, kNow).ok());
}

TEST(Jwt, RefusesAlgNoneAndOtherAlgorithms) {
  const std::string payload = internal::Base64UrlEncode(kGoodPayload);
  // alg "none" with an empty signature, the classic.
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})",
                             R"({"alg":"NONE"})", R"({"typ":"JWT"})"}) {
    const std::string token = internal::Base64UrlEncode(header) + "." + payload + ".";
    EXPECT_EQ(VerifyStatus(token).code(), StatusCode::kUnauthenticated) << header;
  }
  // Correctly HMAC-SHA256-signed under our secret, but the header names another algorithm:
  // refused before the signature counts, so no header can select how we verify.
  for (const char* header :
       {R"({"alg":"none"})", R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"HS384"})",
        R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"ES256"})", R"({"alg":"hs256"})",
        R"({"alg":["HS256"]})", R"({"alg":null})"}) {
    ExpectUnauthenticated(VerifyStatus(Craft(header, kGoodPayload)), "algorithm not allowed");
  }
  // RS256 confusion: the "public key" used as an HMAC secret is just another wrong secret.
  ExpectUnauthenticated(
      VerifyStatus(Craft(R"({"alg":"RS256"})", kGoodPayload,
                         "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCg")),
      "algorithm not allowed");
}

TEST(Jwt, RefusesHeadersWithCriticalExtensionsOrAnotherType) {
  ExpectUnauthenticated(VerifyStatus(Craft(R"({"alg":"HS256","crit":["exp"]})", kGoodPayload)),
                        "unsupported header");
  ExpectUnauthenticated(VerifyStatus(Craft(R"({"alg":"HS256","typ":"JWE"})", kGoodPayload)),
                        "unsupported header");
  EXPECT_TRUE(
      Verify(Craft(R"({"alg":"HS256"})", kGoodPayload), kSecret, TokenType::kAccess, kNow).ok());
}

TEST(Jwt, RefusesAnExpiredToken) {
  const std::string token = SignOrDie(AccessClaims());
  EXPECT_TRUE(Verify(token, kSecret, TokenType::kAccess, kNow + seconds(899)).ok());
  ExpectUnauthenticated(VerifyStatus(token, TokenType::kAccess, kSecret, kNow + seconds(900)),
                        "expired");
  ExpectUnauthenticated(VerifyStatus(token, TokenType::kAccess, kSecret, kNow + seconds(86400)),
                        "expired");
  // A leeway of a few seconds absorbs clock skew between instances, no more.
  EXPECT_TRUE(Verify(token, kSecret, TokenType::kAccess, kNow + seconds(904), seconds(5)).ok());
  EXPECT_FALSE(Verify(token, kSecret, TokenType::kAccess, kNow + seconds(905), seconds(5)).ok());
}

TEST(Jwt, RefusesATokenNotYetValid) {
  Claims c = AccessClaims();
  c.nbf = kNow + seconds(60);
  const std::string token = SignOrDie(c);
  ExpectUnauthenticated(VerifyStatus(token), "not yet valid");
  EXPECT_TRUE(Verify(token, kSecret, TokenType::kAccess, kNow + seconds(60)).ok());
  EXPECT_TRUE(Verify(token, kSecret, TokenType::kAccess, kNow + seconds(55), seconds(5)).ok());
  // Issued in the future (a clock far ahead on the signing instance).
  Claims future = AccessClaims();
  future.iat = kNow + seconds(120);
  future.exp = kNow + seconds(1000);
  ExpectUnauthenticated(VerifyStatus(SignOrDie(future)), "not yet valid");
}

TEST(Jwt, RefusesMissingOrMistypedClaims) {
  const std::string base = R"("iat":1767225600,"exp":1767226500)";
  const std::string jti = R"("jti":"00112233445566778899aabbccddeeff")";
  const std::string ids = jti + R"(,"fam":"ffeeddccbbaa99887766554433221100")";
  struct Case {
    std::string payload;
    std::string reason;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"org":"o","role":"viewer","typ":"access",)" + ids + "," + base + "}",
            "sub is missing"},
           {R"({"sub":"u","role":"viewer","typ":"access",)" + ids + "," + base + "}",
            "org is missing"},
           {R"({"sub":"u","org":"o","typ":"access",)" + ids + "," + base + "}", "role is missing"},
           {R"({"sub":"u","org":"o","role":"viewer",)" + ids + "," + base + "}", "typ is missing"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + base + "}",
            "jti is missing"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + ids +
                R"(,"iat":1767225600})",
            "exp is missing"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + ids +
                R"(,"exp":1767226500})",
            "iat is missing"},
           {R"({"sub":"u","org":"o","role":"root","typ":"access",)" + ids + "," + base + "}",
            "role is invalid"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"id",)" + ids + "," + base + "}",
            "typ is invalid"},
           {R"({"sub":"","org":"o","role":"viewer","typ":"access",)" + ids + "," + base + "}",
            "sub is invalid"},
           {R"({"sub":7,"org":"o","role":"viewer","typ":"access",)" + ids + "," + base + "}",
            "sub is missing"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + ids +
                R"(,"iat":1767225600,"exp":"1767226500"})",
            "exp is invalid"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + ids +
                R"(,"iat":1767225600,"exp":1767226500.5})",
            "exp is invalid"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + ids + "," + base +
                R"(,"nbf":"soon"})",
            "nbf is invalid"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"refresh",)" + jti + "," + base + "}",
            "fam is missing"},
           {R"({"sub":"u","org":"o","role":"viewer","typ":"access",)" + jti + "," + base + "}",
            "fam is missing"},
       }) {
    const TokenType type = c.payload.find("\"refresh\"") != std::string::npos ? TokenType::kRefresh
                                                                              : TokenType::kAccess;
    ExpectUnauthenticated(VerifyStatus(Craft(kGoodHeader, c.payload), type), c.reason);
  }
}

TEST(Jwt, RefusesMalformedSegments) {
  const std::string token = SignOrDie(AccessClaims());
  const std::size_t a = token.find('.');
  const std::string sig = token.substr(token.rfind('.'));
  for (const std::string& bad : {
           std::string(""),
           std::string("."),
           std::string(".."),
           std::string("..."),
           std::string("abc"),
           token.substr(0, token.rfind('.')),  // two segments
           token + ".",
           token + ".e30",  // four segments
           "=" + token,     // padding
           token.substr(0, a) + "=" + token.substr(a),
           std::string(kMaxTokenBytes + 1, 'a'),
           Craft("[1,2]", kGoodPayload),
           Craft("not json", kGoodPayload),
           Craft(kGoodHeader, "[]"),
           Craft(kGoodHeader, "\"text\""),
           Craft(kGoodHeader, R"({"a":{"b":{"c":{"d":{"e":1}}}}})"),
           Craft(kGoodHeader, kGoodPayload + " x"),
           Craft(kGoodHeader, "") + sig,
       }) {
    EXPECT_EQ(VerifyStatus(bad).code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(Jwt, NeverCrashesOnGarbage) {
  // Random strings over the token alphabet and over all bytes, and random mutations of a valid
  // token: every one is an Unauthenticated error, none is accepted.
  std::mt19937 rng(20260101);
  const std::string valid = SignOrDie(AccessClaims());
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  for (int i = 0; i < 600; ++i) {
    std::string s;
    const int kind = i % 3;
    if (kind == 0) {
      const std::size_t n = rng() % 300;
      for (std::size_t k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    } else if (kind == 1) {
      const std::size_t n = rng() % 300;
      for (std::size_t k = 0; k < n; ++k) s += static_cast<char>(rng() % 256);
    } else {
      s = valid;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % s.size();
        switch (rng() % 3) {
          case 0:
            s[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            s.erase(at, 1 + rng() % 8);
            break;
          default:
            s.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
        }
        if (s.empty()) s = "x";
      }
      if (s == valid) continue;
    }
    const Status status = VerifyStatus(s);
    EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << i;
  }
}

TEST(Jwt, ErrorsNeverContainTheTokenOrSecret) {
  const std::string token = SignOrDie(AccessClaims());
  for (const Status& s : {VerifyStatus(token, TokenType::kAccess, kOtherSecret),
                          VerifyStatus(token, TokenType::kRefresh),
                          VerifyStatus(token, TokenType::kAccess, kSecret, kNow + seconds(1000))}) {
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message().find(token.substr(0, 20)), std::string::npos);
    EXPECT_EQ(s.message().find(kSecret.substr(0, 10)), std::string::npos);
    EXPECT_EQ(s.message().find("user-1"), std::string::npos);
  }
}

TEST(Jwt, RefusesShortSecretsAsAConfigurationFault) {
  EXPECT_EQ(Sign(AccessClaims(), "short").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sign(AccessClaims(), "").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyStatus(SignOrDie(AccessClaims()), TokenType::kAccess, "").code(),
            StatusCode::kFailedPrecondition);
}

TEST(Jwt, SignRefusesIncompleteClaims) {
  Claims c = AccessClaims();
  c.sub.clear();
  EXPECT_EQ(Sign(c, kSecret).status().code(), StatusCode::kInvalidArgument);
  c = AccessClaims();
  c.exp = c.iat;
  EXPECT_EQ(Sign(c, kSecret).status().code(), StatusCode::kInvalidArgument);
  c = RefreshClaims();
  c.fam.clear();
  EXPECT_EQ(Sign(c, kSecret).status().code(), StatusCode::kInvalidArgument);
  c = AccessClaims();
  c.fam.clear();
  EXPECT_EQ(Sign(c, kSecret).status().code(), StatusCode::kInvalidArgument);
}

TEST(Jwt, TokenIdsAreRandom128BitHex) {
  auto a = NewTokenId();
  auto b = NewTokenId();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
}

TEST(Base64, RoundTripsAndDecodesStrictly) {
  for (const char* s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(internal::Base64UrlDecode(internal::Base64UrlEncode(s)), s);
    EXPECT_EQ(internal::Base64Decode(internal::Base64Encode(s)), s);
  }
  EXPECT_EQ(internal::Base64Encode("foobar"), "Zm9vYmFy");  // RFC 4648 §10
  EXPECT_EQ(internal::Base64Encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(internal::Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(internal::Base64Encode("\xfb\xff"), "+/8");
  EXPECT_FALSE(internal::Base64UrlDecode("+/8").has_value());
  EXPECT_FALSE(internal::Base64Decode("-_8").has_value());
  EXPECT_FALSE(internal::Base64Decode("Zm9vYmE=").has_value());
  EXPECT_FALSE(internal::Base64Decode("Zm9vYmF").has_value());  // non-zero unused bits
  EXPECT_FALSE(internal::Base64Decode("Z").has_value());
  EXPECT_FALSE(internal::Base64Decode("Zm9v YmE").has_value());
}

}  // namespace
}  // namespace estimate::auth
