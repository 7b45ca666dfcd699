#include "rosterproject.h"

#include "roster/accountroles.h"
#include "roster/rosterbuilder.h"
#include "roster/rostercache.h"
#include "roster/rostersnapshot.h"

#include <QDir>
#include <QFileInfo>
#include <nlohmann/json.hpp>

namespace tt {
namespace {

std::string s(const QString &q) { return q.toStdString(); }
QString q(const nlohmann::json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

const nlohmann::json *rosterSection(const Project &p) { return p.section("roster"); }

std::optional<SchoolList> listInfo(const Project &p, const char *key)
{
    const nlohmann::json *sec = rosterSection(p);
    if (!sec || !sec->contains(key))
        return std::nullopt;
    const nlohmann::json &l = (*sec)[key];
    return SchoolList{q(l, "path"), q(l, "sha256"), int(l.value("entries", nlohmann::json::array()).size())};
}

} // namespace

SchoolList setProjectRosterCsv(Project &project, const QString &path, QStringList *warnings,
                               const SchoolListColumns *columns)
{
    const std::vector<RosterEntry> entries = readRosterCsv(path, warnings, columns);
    nlohmann::json list = nlohmann::json::array();
    for (const RosterEntry &e : entries)
        list.push_back({{"studentId", s(e.studentId)},
                        {"firstName", s(e.firstName)},
                        {"lastName", s(e.lastName)},
                        {"guardians", s(e.guardians)},
                        {"classCode", s(e.classCode)},
                        {"notes", s(e.notes)},
                        {"row", e.row}});
    const QString sha = sha256OfFile(path);
    project.section("roster")["rosterList"] = {{"path", s(QFileInfo(path).absoluteFilePath())}, {"sha256", s(sha)}, {"entries", list}};
    return SchoolList{QFileInfo(path).absoluteFilePath(), sha, int(entries.size())};
}

SchoolList setProjectStaffCsv(Project &project, const QString &path, QStringList *warnings,
                              const SchoolListColumns *columns)
{
    const std::vector<StaffEntry> entries = readStaffCsv(path, warnings, columns);
    nlohmann::json list = nlohmann::json::array();
    for (const StaffEntry &e : entries)
        list.push_back({{"email", s(e.email)}, {"displayName", s(e.displayName)}, {"role", s(e.role)},
                        {"roleText", s(e.roleText)}, {"row", e.row}});
    const QString sha = sha256OfFile(path);
    project.section("roster")["staffList"] = {{"path", s(QFileInfo(path).absoluteFilePath())}, {"sha256", s(sha)}, {"entries", list}};
    return SchoolList{QFileInfo(path).absoluteFilePath(), sha, int(entries.size())};
}

std::optional<SchoolList> projectRosterList(const Project &project) { return listInfo(project, "rosterList"); }
std::optional<SchoolList> projectStaffList(const Project &project) { return listInfo(project, "staffList"); }

std::vector<RosterEntry> projectRosterEntries(const Project &project)
{
    std::vector<RosterEntry> out;
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("rosterList"))
        return out;
    for (const auto &e : (*sec)["rosterList"].value("entries", nlohmann::json::array()))
        out.push_back(RosterEntry{q(e, "studentId"), q(e, "firstName"), q(e, "lastName"), q(e, "guardians"),
                                  q(e, "classCode"), q(e, "notes"), e.value("row", qint64(0))});
    return out;
}

std::vector<StaffEntry> projectStaffEntries(const Project &project)
{
    std::vector<StaffEntry> out;
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("staffList"))
        return out;
    for (const auto &e : (*sec)["staffList"].value("entries", nlohmann::json::array()))
        out.push_back(StaffEntry{q(e, "email"), q(e, "displayName"), q(e, "role"), q(e, "roleText"), e.value("row", qint64(0))});
    return out;
}

AccountLists projectAccountLists(const Project &project)
{
    AccountLists out;
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("accounts") || !(*sec)["accounts"].is_object())
        return out;
    const nlohmann::json &a = (*sec)["accounts"];
    auto list = [&a](const char *key) {
        QStringList l;
        if (a.contains(key) && a[key].is_array())
            for (const auto &e : a[key])
                if (e.is_string())
                    l << QString::fromStdString(e.get<std::string>());
        return l;
    };
    out.adminEmails = list("adminEmails");
    out.superAdminEmails = list("superAdminEmails");
    out.source = q(a, "source");
    return out;
}

void setProjectAccountLists(Project &project, const AccountLists &lists)
{
    if (lists.isEmpty() && lists.source.isEmpty()) {
        if (nlohmann::json &sec = project.section("roster"); sec.is_object())
            sec.erase("accounts");
        return;
    }
    auto arr = [](const QStringList &l) {
        nlohmann::json j = nlohmann::json::array();
        for (const QString &e : l)
            j.push_back(e.trimmed().toCaseFolded().toStdString());
        return j;
    };
    project.section("roster")["accounts"] = {{"adminEmails", arr(lists.adminEmails)},
                                             {"superAdminEmails", arr(lists.superAdminEmails)},
                                             {"source", s(lists.source)}};
}

RosterDecisions projectDecisions(const Project &project)
{
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("decisions"))
        return {};
    return RosterDecisions::fromJson((*sec)["decisions"]);
}

void setProjectDecisions(Project &project, const RosterDecisions &decisions)
{
    project.section("roster")["decisions"] = decisions.toJson();
}

namespace {

nlohmann::json rosterList(const std::vector<RosterEntry> &entries)
{
    nlohmann::json list = nlohmann::json::array();
    for (const RosterEntry &e : entries)
        list.push_back({{"studentId", s(e.studentId)},
                        {"firstName", s(e.firstName)},
                        {"lastName", s(e.lastName)},
                        {"guardians", s(e.guardians)},
                        {"classCode", s(e.classCode)},
                        {"notes", s(e.notes)},
                        {"row", e.row}});
    return list;
}

nlohmann::json staffList(const std::vector<StaffEntry> &entries)
{
    nlohmann::json list = nlohmann::json::array();
    for (const StaffEntry &e : entries)
        list.push_back({{"email", s(e.email)}, {"displayName", s(e.displayName)}, {"role", s(e.role)},
                        {"roleText", s(e.roleText)}, {"row", e.row}});
    return list;
}

} // namespace

SnapshotInfo setProjectSnapshotLists(Project &project, const RosterSnapshot &snap, const QString &dir)
{
    SnapshotInfo info{QFileInfo(dir).absoluteFilePath(), snap.takenAt, snap.database, int(snap.teachers.size()),
                      int(snap.classrooms.size()), int(snap.students.size())};
    const QString students = QFileInfo(QDir(dir).filePath(QStringLiteral("students.csv"))).absoluteFilePath();
    const QString teachers = QFileInfo(QDir(dir).filePath(QStringLiteral("teachers.csv"))).absoluteFilePath();
    nlohmann::json &sec = project.section("roster");
    sec["rosterList"] = {{"path", s(students)}, {"sha256", s(sha256OfFile(students))}, {"entries", rosterList(snap.rosterEntries())}};
    sec["staffList"] = {{"path", s(teachers)}, {"sha256", s(sha256OfFile(teachers))}, {"entries", staffList(snap.staffEntries())}};
    nlohmann::json subjects = nlohmann::json::array();
    for (const QString &subject : snap.subjects())
        subjects.push_back(s(subject));
    sec["snapshot"] = {{"path", s(info.path)},         {"takenAt", s(info.takenAt)},       {"database", s(info.database)},
                       {"teachers", info.teachers},    {"classrooms", info.classrooms},    {"students", info.students},
                       {"subjects", subjects}};
    return info;
}

SnapshotInfo setProjectSnapshot(Project &project, const QString &dir)
{
    const RosterSnapshot snap = RosterSnapshot::read(dir);
    const SnapshotInfo info = setProjectSnapshotLists(project, snap, dir);
    RosterDecisions decisions = projectDecisions(project);
    snap.decide(decisions);
    setProjectDecisions(project, decisions);
    return info;
}

std::optional<SnapshotInfo> projectSnapshot(const Project &project)
{
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("snapshot") || !(*sec)["snapshot"].is_object())
        return std::nullopt;
    const nlohmann::json &j = (*sec)["snapshot"];
    return SnapshotInfo{q(j, "path"), q(j, "takenAt"), q(j, "database"), j.value("teachers", 0), j.value("classrooms", 0),
                        j.value("students", 0)};
}

Roster buildProjectRoster(const Project &project, Progress *progress)
{
    if (std::optional<Roster> cached = cachedProjectRoster(project))
        return std::move(*cached);
    return rebuildProjectRoster(project, progress);
}

Roster rebuildProjectRoster(const Project &project, Progress *progress)
{
    // the accepted records where they are, by index (no copy of every record)
    const DedupeResult &dedupe = project.dedupe();
    std::vector<quint32> acceptedIndices;
    acceptedIndices.reserve(size_t(dedupe.accepted));
    for (size_t i = 0; i < dedupe.status.size(); ++i)
        if (dedupe.status[i] == RecordStatus::Accepted)
            acceptedIndices.push_back(quint32(i));
    const RecordView accepted(project.records(), acceptedIndices);
    const RosterDecisions decisions = projectDecisions(project);
    Roster roster = RosterBuilder().build(accepted, projectRosterEntries(project), projectStaffEntries(project),
                                          decisions, progress);
    applyAccountRoles(roster, accepted, projectAccountLists(project), decisions);
    settleBySnapshot(roster, projectSnapshotSubjects(project));
    return roster;
}

QStringList projectSnapshotSubjects(const Project &project)
{
    QStringList subjects;
    const nlohmann::json *sec = rosterSection(project);
    if (!sec || !sec->contains("snapshot") || !(*sec)["snapshot"].is_object() || !(*sec)["snapshot"].contains("subjects"))
        return subjects;
    for (const auto &e : (*sec)["snapshot"]["subjects"])
        if (e.is_string())
            subjects << QString::fromStdString(e.get<std::string>());
    return subjects;
}

} // namespace tt
