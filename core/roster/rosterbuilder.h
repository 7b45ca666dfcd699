#pragma once
// Rebuilds the school's teachers, classrooms and students from the accepted incident records, optionally
// helped by the school's own roster and staff list, and applies the administrator's decisions.
// Every inference carries its evidence; everything the administrator must decide is a listed Conflict.
#include "records/incidentrecord.h"
#include "recordview.h"
#include "roster.h"
#include "rosterdecisions.h"
#include "schoolrecords.h"

#include <vector>

namespace tt {

class Progress;

struct RosterBuilderOptions
{
    int specialistMinClasses = 3;        // a specialist logs in at least this many classes ...
    double specialistMinShare = 0.5;     // ... with at least this share of logs at location "Specialist"
    double closeHomeroomShare = 0.2;     // margin below this share of the top count is "close"
    int closeHomeroomMinLogs = 3;        // ... as is a margin below this many logs
    qint64 recentWindowMs = 14LL * 24 * 3600 * 1000; // the days up to a student's last log naming a class
};

class RosterBuilder
{
public:
    RosterBuilder() = default;
    explicit RosterBuilder(const RosterBuilderOptions &options) : m_options(options) {}

    // Throws Cancelled when progress asks to stop.
    Roster build(RecordView accepted, const std::vector<RosterEntry> &roster,
                 const std::vector<StaffEntry> &staff, const RosterDecisions &decisions,
                 Progress *progress = nullptr) const;

    // "jane.smith" -> "Jane Smith"; "jsmith", "teacher07", "j.smith" -> "" (never invented).
    static QString displayNameFromEmail(const QString &email);

private:
    RosterBuilderOptions m_options;
};

} // namespace tt
