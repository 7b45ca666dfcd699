#pragma once
#include <QString>

namespace tt {

// A new cuid as TrackTally's API expects: 'c' + 24 lower-case base-36 characters (25 in all), from the
// time, a process-wide counter and the system CSPRNG. Thread-safe.
QString newCuid();
bool isCuid(const QString &id);

} // namespace tt
