#include "app/config.hpp"

#include <gtest/gtest.h>

#include <set>

#include <cstdio>
#include <fstream>

namespace estimate::app {
namespace {

Config Parse(std::map<std::string, std::string> values, std::vector<std::string>& problems) {
  return ParseConfig(values, problems);
}

TEST(Config, DefaultsAreTheEmbeddedSetup) {
  std::vector<std::string> problems;
  Config c = Parse({}, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(c.port, 3000);
  EXPECT_EQ(c.database_url, "sqlite://data/estimate.db");
  EXPECT_TRUE(c.redis_url.empty());
  EXPECT_EQ(c.upload_max_size, 10u * 1024 * 1024);
  EXPECT_EQ(c.jwt_expires_in.count(), 900);
  EXPECT_FALSE(c.production());
}

TEST(Config, ParsesDurationsSizesAndLists) {
  std::vector<std::string> problems;
  Config c = Parse({{"JWT_EXPIRES_IN", "12h"}, {"JWT_REFRESH_EXPIRES_IN", "30d"},
                    {"UPLOAD_MAX_SIZE", "512KB"}, {"CORS_ORIGIN", "http://a.ru, https://b.ru"},
                    {"PROMETHEUS_ENABLED", "false"}, {"APP_ENV", "test"}},
                   problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(c.jwt_expires_in.count(), 12 * 3600);
  EXPECT_EQ(c.jwt_refresh_expires_in.count(), 30 * 86400);
  EXPECT_EQ(c.upload_max_size, 512u * 1024);
  ASSERT_EQ(c.cors_origins.size(), 2u);
  EXPECT_EQ(c.cors_origins[1], "https://b.ru");
  EXPECT_FALSE(c.prometheus_enabled);
  EXPECT_EQ(c.env, "test");
}

TEST(Config, WebRootDefaultsToTheBuildAndEmptyTurnsTheApplicationOff) {
  std::vector<std::string> problems;
  EXPECT_EQ(Parse({}, problems).web_root, "web/dist");
  EXPECT_EQ(Parse({{"WEB_ROOT", "/srv/estimate/web"}}, problems).web_root, "/srv/estimate/web");
  EXPECT_EQ(Parse({{"WEB_ROOT", ""}}, problems).web_root, "");
  EXPECT_TRUE(problems.empty());
}

TEST(Config, OneProblemPerBadValueNamingTheVariable) {
  std::vector<std::string> problems;
  Parse({{"PORT", "0"}, {"NODE_ENV", "staging"}, {"RATE_LIMIT_TTL", "-5"},
         {"STORAGE_TYPE", "s3"}},
        problems);
  ASSERT_EQ(problems.size(), 7u);  // PORT, NODE_ENV, RATE_LIMIT_TTL, four AWS_* for s3
  EXPECT_EQ(problems[0], "PORT: \"0\" is not a port number (1–65535)");
  EXPECT_EQ(problems[1].rfind("NODE_ENV:", 0), 0u);
}

TEST(Config, ProductionNeedsDistinctLongSecretsAndNeverEchoesThem) {
  std::vector<std::string> problems;
  std::string secret(40, 's');
  Parse({{"NODE_ENV", "production"}, {"JWT_SECRET", secret}, {"JWT_REFRESH_SECRET", secret}},
        problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "JWT_REFRESH_SECRET: must differ from JWT_SECRET");
  problems.clear();
  Parse({{"NODE_ENV", "production"}, {"JWT_SECRET", std::string(32, 'a')},
         {"JWT_REFRESH_SECRET", std::string(32, 'b')}},
        problems);
  EXPECT_TRUE(problems.empty());
}

TEST(Config, EnvFileSyntax) {
  std::string path = testing::TempDir() + "/config_test.env";
  std::ofstream(path) << "# c\nexport A=1\nB=\"two words\"\nC=x # trailing\n\nbroken line\n";
  std::vector<std::string> problems;
  auto values = ReadEnvFile(path, problems);
  EXPECT_EQ(values["A"], "1");
  EXPECT_EQ(values["B"], "two words");
  EXPECT_EQ(values["C"], "x");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], path + ":6: not a KEY=VALUE line");
  std::remove(path.c_str());
}

// The lines of deployment guides, as operators copy them: a quoted value with a comment after it.
TEST(Config, EnvFileQuotedValuesWithComments) {
  std::string path = testing::TempDir() + "/config_quotes.env";
  std::ofstream(path) << "FSBTS_UPDATE_SCHEDULE=\"0 2 * * *\" # Daily at 2 AM\n"
                         "DATABASE_URL=\"postgresql://u:p@postgres:5432/db\"\n"
                         "UPLOAD_MAX_SIZE=10485760 # 10MB\n"
                         "Q='a # b'\n"
                         "OPEN=\"no end\n"
                         "AFTER=\"x\" y\n";
  std::vector<std::string> problems;
  auto values = ReadEnvFile(path, problems);
  EXPECT_EQ(values["FSBTS_UPDATE_SCHEDULE"], "0 2 * * *");
  EXPECT_EQ(values["DATABASE_URL"], "postgresql://u:p@postgres:5432/db");
  EXPECT_EQ(values["UPLOAD_MAX_SIZE"], "10485760");
  EXPECT_EQ(values["Q"], "a # b");
  EXPECT_EQ(values.count("OPEN"), 0u);
  EXPECT_EQ(values.count("AFTER"), 0u);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], path + ":5: OPEN: the quote is not closed");
  EXPECT_EQ(problems[1], path + ":6: AFTER: text after the closing quote that is not a # comment");
  std::remove(path.c_str());
}

// And only those: a variable of .env.example that the service does not read would mislead.
TEST(Config, EnvExampleHoldsOnlyVariablesTheServiceReads) {
  std::vector<std::string> problems;
  const auto values = ReadEnvFile(std::string(ESTIMATE_SOURCE_DIR) + "/.env.example", problems);
  EXPECT_TRUE(problems.empty());
  std::set<std::string> known;
  for (const auto& v : ConfigVariables()) known.insert(v.name);
  for (const auto& [name, value] : values) EXPECT_EQ(known.count(name), 1u) << name << " is not read by the service";
  EXPECT_EQ(values.size(), known.size());
}

TEST(Config, EveryVariableIsInEnvExample) {
  std::ifstream in(std::string(ESTIMATE_SOURCE_DIR) + "/.env.example");
  ASSERT_TRUE(in) << ".env.example is missing";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& v : ConfigVariables()) {
    EXPECT_NE(text.find(std::string(v.name) + "="), std::string::npos) << v.name;
  }
}

}  // namespace
}  // namespace estimate::app
