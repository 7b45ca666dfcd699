#pragma once
#include <QString>

namespace tt {

// The school being recovered: its Organization row (name, domain) and where its clocks are.
struct SchoolInfo
{
    QString name;
    QString domain;   // Organization.domain, unique in TrackTally; also the e-mail domain of its staff
    QString timeZone; // IANA name, e.g. "Australia/Melbourne"; empty = the machine's
    bool operator==(const SchoolInfo &) const = default;
};

} // namespace tt
