#pragma once
// CLI commands of accounts: `user add | passwd | role | ensure-admin`.
//   add           a user with a role in a new organization (--org-name) or an existing one
//                 (--org-id); the password comes from --password-stdin or is generated and printed
//   passwd        a new password (from stdin, or generated and printed); the user's sessions end
//   role          the user's role in an organization; their sessions end
//   ensure-admin  the first admin of a fresh installation (`make run`): when the account does not
//                 exist, creates it with a generated password written to a 0600 file and printed
#include <cstdint>
#include <string>

namespace estimate::store {
class Database;
}
namespace estimate::cache {
class EventBus;
}

namespace estimate::app {

struct UserCommand {
  std::string action;  // add | passwd | role | ensure-admin
  std::string email;
  std::string display_name;
  std::string role = "estimator";
  std::string org_name;
  std::int64_t org_id = 0;
  bool password_stdin = false;
  std::string password_file = "data/admin-password.txt";  // ensure-admin
};

// `bus` (may be null) carries the end of the user's sessions to the running instances at once.
int RunUser(store::Database& db, const UserCommand& command, cache::EventBus* bus);

}  // namespace estimate::app
