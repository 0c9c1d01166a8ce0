// Technology groups (База ТГ): the concrete resources an abstract norm resource may become.
//
//   <NewDataSet><base BaseName="Изменения в ФСНБ-2022 (доп15)">
//     <TechnologyGroup Code="27.01.054"><Resource Code="12.1.02.03-0053"/>…</TechnologyGroup>
#include "normbase/import_internal.hpp"

#include "core/text.hpp"

namespace estimate::normbase::import {

namespace {

int AdditionIn(std::string_view text) {
  const std::size_t at = text.find("доп");
  if (at == std::string_view::npos) return 0;
  int n = 0;
  bool digits = false;
  for (std::size_t i = at + std::string_view("доп").size(); i < text.size() && i < at + 24; ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      digits = true;
    } else if (digits) {
      break;
    }
  }
  return digits ? n : 0;
}

Status Group(XmlReader& r, Context& ctx) {
  const std::string_view code = core::TrimBlanks(r.Attr("Code"));
  if (code.empty()) return ctx.Error(r, "<TechnologyGroup> without Code; left out");
  TechGroup group;
  group.code = ctx.Intern(code);
  group.name = ctx.Intern(core::TrimBlanks(r.Attr("Name")));
  const int line = r.line();
  Status s = r.Children([&](std::string_view name) -> Status {
    if (name != "Resource") {
      return r.ErrorHere("element <" + std::string(name) +
                         "> is not allowed inside <TechnologyGroup>");
    }
    const std::string_view member = core::TrimBlanks(r.Attr("Code"));
    if (member.empty())
      return ctx.Error(r, "<Resource> without Code in group " + std::string(code));
    group.resources.push_back(ctx.Intern(member));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (auto it = ctx.tech_group_index.find(group.code); it != ctx.tech_group_index.end()) {
    if (ctx.release.tech_groups[it->second].resources == group.resources) return Status::Ok();
    return ctx.Error(line, "technology group " + std::string(group.code) +
                               " is already in the release with other members");
  }
  ctx.tech_group_index.emplace(group.code,
                               static_cast<std::uint32_t>(ctx.release.tech_groups.size()));
  ctx.file().records += 1;
  ctx.file().lines += group.resources.size();
  ctx.release.tech_groups.push_back(std::move(group));
  return Status::Ok();
}

}  // namespace

Status ImportTechGroups(XmlReader& r, Context& ctx) {
  bool seen_base = false;
  Status s = r.Children([&](std::string_view name) -> Status {
    if (name != "base") {
      ctx.Warn(r.line(), "unknown element <" + std::string(name) + "> in <NewDataSet> skipped");
      return Status::Ok();
    }
    seen_base = true;
    ctx.NoteAddition(AdditionIn(r.Attr("BaseName")), r.line());
    return r.Children([&](std::string_view child) -> Status {
      if (child == "TechnologyGroup") return Group(r, ctx);
      ctx.Warn(r.line(), "unknown element <" + std::string(child) + "> in <base> skipped");
      return Status::Ok();
    });
  });
  if (!s.ok()) return s;
  if (!seen_base) ctx.Warn(0, "<NewDataSet> holds no <base>: no technology groups");
  return Status::Ok();
}

}  // namespace estimate::normbase::import
