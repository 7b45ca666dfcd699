#pragma once
// Duplicates by uuid. Identical rows (an offline queue retried) are duplicates; rows sharing a uuid but
// differing (someone edited one) are conflicting: all are kept, one is chosen (by default the later row in
// the sheet), and the choice is recorded and can be changed.
#include "incidentrecord.h"

#include <QHash>
#include <vector>

namespace tt {

struct RecordKey
{
    int sourceIndex = -1;
    qint64 row = 0;
    bool operator==(const RecordKey &) const = default;
};

enum class RecordStatus : quint8 { Accepted, DuplicateIdentical, DuplicateConflicting };

struct DuplicateGroup
{
    QString uuid;
    std::vector<quint32> members; // record indices in sheet order (source, then row)
    quint32 chosen = 0;           // record index
    bool conflicting = false;     // some member differs from the chosen one
    bool chosenByUser = false;
};

struct DedupeResult
{
    std::vector<RecordStatus> status; // one per record
    std::vector<DuplicateGroup> groups;
    qint64 accepted = 0, identical = 0, conflicting = 0;
};

// choices: uuid -> the record the administrator picked (by where it came from).
DedupeResult deduplicate(const std::vector<IncidentRecord> &records, const QHash<QString, RecordKey> &choices);

} // namespace tt
