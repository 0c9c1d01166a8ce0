#include "app/roles.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace estimate::app {
namespace {

using Roles = std::vector<std::string>;

TEST(Roles, DefaultIsEveryRole) {
  auto roles = ParseRoles(kAllRoles);
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  EXPECT_EQ(*roles, (Roles{"api", "ai", "collector"}));
}

TEST(Roles, ComeOutInCanonicalOrderOnceEach) {
  auto roles = ParseRoles(" collector ,api,collector");
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  EXPECT_EQ(*roles, (Roles{"api", "collector"}));
  EXPECT_EQ(*ParseRoles("ai"), (Roles{"ai"}));
}

TEST(Roles, AnUnknownRoleIsNamed) {
  auto roles = ParseRoles("api,gateway");
  ASSERT_FALSE(roles.ok());
  EXPECT_EQ(roles.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(roles.status().message().find("\"gateway\""), std::string::npos)
      << roles.status().message();
  EXPECT_FALSE(ParseRoles("API").ok());  // names are lower case, as documented
}

TEST(Roles, AnEmptyListIsRefused) {
  EXPECT_FALSE(ParseRoles("").ok());
  EXPECT_FALSE(ParseRoles(" , ").ok());
}

}  // namespace
}  // namespace estimate::app
