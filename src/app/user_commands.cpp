#include "app/user_commands.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "auth/jwt.hpp"
#include "auth/role.hpp"
#include "services/account_service.hpp"
#include "services/session_guard.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/sql_refresh_token_store.hpp"

namespace estimate::app {
namespace {

// 32 random characters in groups, easy to copy: 128 bits from the system's generator.
Result<std::string> GeneratePassword() {
  auto id = auth::NewTokenId();
  if (!id.ok()) return id.status();
  std::string out;
  for (std::size_t i = 0; i < id->size(); ++i) {
    if (i > 0 && i % 8 == 0) out += '-';
    out += (*id)[i];
  }
  return out;
}

Result<std::string> PasswordOf(const UserCommand& command, bool& generated) {
  generated = false;
  if (command.password_stdin) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
  }
  generated = true;
  return GeneratePassword();
}

int Fail(const Status& s) {
  std::cerr << "estimate-service user: " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

Status WriteSecretFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const mode_t old = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  ::umask(old);
  if (!out) return Internal(path + ": cannot be written");
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write,
                               ec);
  return Status::Ok();
}

}  // namespace

int RunUser(store::Database& db, const UserCommand& command, cache::EventBus* bus) {
  store::AccountRepository accounts(db);
  store::AuditRepository audit(db);
  store::SqlRefreshTokenStore sql_sessions(db);
  services::RevocationNotifier sessions(sql_sessions, nullptr, bus);
  services::AccountService service(db, accounts, audit, sessions);

  std::optional<auth::Role> role = auth::ParseRole(command.role);
  if (!role) return Fail(InvalidArgument("--role: expected admin, estimator, reviewer or viewer"));

  if (command.action == "ensure-admin") {
    auto existing = accounts.FindUserByEmail(command.email);
    if (existing.ok()) {
      std::cout << "Admin " << existing->email << " exists; sign in with its password"
                << (std::filesystem::exists(command.password_file)
                        ? " (first one in " + command.password_file + ")"
                        : std::string())
                << ".\n";
      return 0;
    }
    if (existing.status().code() != StatusCode::kNotFound) return Fail(existing.status());
    auto password = GeneratePassword();
    if (!password.ok()) return Fail(password.status());
    auto created = service.AddUser({command.email, *password, command.display_name, auth::Role::kAdmin},
                                   command.org_name.empty() ? "Моя организация" : command.org_name);
    if (!created.ok()) return Fail(created.status());
    if (Status s = WriteSecretFile(command.password_file, *password + "\n"); !s.ok()) return Fail(s);
    std::cout << "Created the first admin. Sign in at http://localhost:3000 with\n"
              << "  email:    " << created->user.email << "\n"
              << "  password: " << *password << "  (also in " << command.password_file
              << ", readable by you only)\n"
              << "Change it with: estimate-service user passwd --email " << created->user.email
              << " --password-stdin\n";
    return 0;
  }

  bool generated = false;
  if (command.action == "add") {
    if (command.org_id == 0 && command.org_name.empty()) {
      return Fail(InvalidArgument("--org-name or --org-id: name the organization"));
    }
    auto password = PasswordOf(command, generated);
    if (!password.ok()) return Fail(password.status());
    auto created = service.AddUser(
        {command.email, *password, command.display_name, *role}, command.org_name,
        command.org_id > 0 ? std::optional<std::int64_t>(command.org_id) : std::nullopt);
    if (!created.ok()) return Fail(created.status());
    std::cout << "user " << created->user.id << " " << created->user.email << " is "
              << auth::RoleName(*role) << " of organization " << created->organization.id << " «"
              << created->organization.name << "»\n";
    if (generated) std::cout << "password: " << *password << "\n";
    return 0;
  }
  if (command.action == "passwd") {
    auto password = PasswordOf(command, generated);
    if (!password.ok()) return Fail(password.status());
    if (Status s = service.SetPassword(command.email, *password); !s.ok()) return Fail(s);
    std::cout << "password of " << command.email << " changed; their sessions ended\n";
    if (generated) std::cout << "password: " << *password << "\n";
    return 0;
  }
  if (command.action == "role") {
    if (command.org_id <= 0) return Fail(InvalidArgument("--org-id: is required"));
    if (Status s = service.SetRole(command.email, command.org_id, *role); !s.ok()) return Fail(s);
    std::cout << command.email << " is " << auth::RoleName(*role) << " of organization "
              << command.org_id << "; their sessions ended\n";
    return 0;
  }
  return Fail(InvalidArgument("user: unknown action " + command.action));
}

}  // namespace estimate::app
