#pragma once
// The rebuilt roster kept in the project (Project::setCache, name "roster"), so that commands and the wizard
// need not rebuild it from every record each time they open the project. Compact and versioned: one table of
// the distinct strings, then every field as a variable-length integer (a record's link is five string indices),
// and a checksum of it all. Used only while its key matches: the key hashes everything the build depends on
// (the project's recordsRevision(), its "roster" section: decisions, school lists, snapshot, accounts; the
// school's time zone; the format version). A stale or damaged cache is never used: the roster is rebuilt.
#include "roster/roster.h"

#include <QByteArray>
#include <optional>

namespace tt {

class Project;
class RosterDecisions;

// Bumped whenever the encoding or what a build produces changes: older caches then miss and are rebuilt.
inline constexpr quint32 RosterCacheVersion = 1;

QByteArray encodeRoster(const Roster &roster);
// nullopt when the bytes are not a roster of this version or are damaged (checksum, truncation, bad index).
std::optional<Roster> decodeRoster(const QByteArray &bytes);

// The key of the roster built from this project with these decisions (projectDecisions(project) when they are
// the ones stored).
QByteArray projectRosterKey(const Project &project, const RosterDecisions &decisions);
QByteArray projectRosterKey(const Project &project);

// The project's cached roster when its key matches the project as it is now and it decodes; else nullopt.
std::optional<Roster> cachedProjectRoster(const Project &project, const QByteArray &key);
std::optional<Roster> cachedProjectRoster(const Project &project);
// Keeps roster in the project as the one built from its current state (call after building it, before saving).
void storeProjectRoster(Project &project, const Roster &roster);
void storeProjectRoster(Project &project, const QByteArray &key, const QByteArray &encoded);

} // namespace tt
