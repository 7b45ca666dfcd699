#pragma once
// The school's roster as its TrackTally database holds it, for a roster snapshot (roster/rostersnapshot.h):
// teachers, classrooms with their homeroom and specialist teachers, students with guardians and notes.
// Read-only, in one REPEATABLE READ transaction (a consistent picture while the school keeps working).
#include "roster/rostersnapshot.h"

#include <QJsonObject>
#include <QString>

namespace tt {

class Database;

// Throws tt::DatabaseError (no Organization with this domain, not TrackTally's schema, lost connection).
RosterSnapshot readRosterFromDatabase(Database &db, const QString &domain);

// What `snapshot` prints once a snapshot is written to dir (the desktop app shows the same line), and the same
// as JSON: school, domain, database, takenAt, dir, teachers, classrooms, students (counts).
QString describeSnapshotWritten(const RosterSnapshot &snapshot, const QString &dir);
QJsonObject snapshotWrittenJson(const RosterSnapshot &snapshot, const QString &dir);

} // namespace tt
