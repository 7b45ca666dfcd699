#pragma once
// The bridge between a project file and the roster: the school's own lists (student roster, staff list)
// kept inside the project (so a recovery resumes without the original files), the administrator's
// decisions, and building the roster from the accepted records. Stored in project.section("roster").
#include "common/progress.h"
#include "project/project.h"
#include "roster/roster.h"
#include "roster/rosterdecisions.h"
#include "roster/schoolrecords.h"

namespace tt {

struct SchoolList
{
    QString path;   // where it was read from
    QString sha256; // of that file
    int rows = 0;
};

// Reads a roster / staff CSV (throws SourceError) and stores its rows in the project, replacing any earlier one.
// columns: the administrator's choice of columns (nullptr: detected from the header).
SchoolList setProjectRosterCsv(Project &project, const QString &path, QStringList *warnings = nullptr,
                               const SchoolListColumns *columns = nullptr);
SchoolList setProjectStaffCsv(Project &project, const QString &path, QStringList *warnings = nullptr,
                              const SchoolListColumns *columns = nullptr);
std::optional<SchoolList> projectRosterList(const Project &project);
std::optional<SchoolList> projectStaffList(const Project &project);
std::vector<RosterEntry> projectRosterEntries(const Project &project);
std::vector<StaffEntry> projectStaffEntries(const Project &project);

// The administrators and operators named by the deployment's configuration (its .env), kept in the project
// (addresses and the file's path only; never a secret). Empty when none were given.
AccountLists projectAccountLists(const Project &project);
void setProjectAccountLists(Project &project, const AccountLists &lists);

// A roster snapshot (roster/rostersnapshot.h) taken as the school's own records: its students become the
// roster list, its teachers the staff list, every field it states a decision, and the questions about what
// it names are settled by it in every build. Throws SourceError naming the file, row and field.
struct RosterSnapshot;
struct SnapshotInfo
{
    QString path;
    QString takenAt;
    QString database;
    int teachers = 0;
    int classrooms = 0;
    int students = 0;
};
SnapshotInfo setProjectSnapshot(Project &project, const QString &dir);
// The same without the decisions (the wizard's RosterSession makes them through its own decisions).
SnapshotInfo setProjectSnapshotLists(Project &project, const RosterSnapshot &snapshot, const QString &dir);
std::optional<SnapshotInfo> projectSnapshot(const Project &project);
// What the project's snapshot names (teacher emails, class codes, student ids; case-folded); empty without one.
// Every roster build settles the questions about them (settleBySnapshot): buildProjectRoster and RosterSession.
QStringList projectSnapshotSubjects(const Project &project);

RosterDecisions projectDecisions(const Project &project);
void setProjectDecisions(Project &project, const RosterDecisions &decisions);

// The roster of the project's accepted records, its stored lists and decisions: the one cached in the project
// (roster/rostercache.h) while it matches them, else built. Callers that save the project keep what they built
// with storeProjectRoster() so that the next command need not rebuild it.
Roster buildProjectRoster(const Project &project, Progress *progress = nullptr);
// Always builds it (no cache).
Roster rebuildProjectRoster(const Project &project, Progress *progress = nullptr);

} // namespace tt
