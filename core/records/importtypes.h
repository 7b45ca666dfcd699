#pragma once
// Accounting types shared by the importer, the project, reports and the GUI.
#include "field.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace tt {

// Invariant, per source and in total: read = accepted + duplicatesIdentical + duplicatesConflicting + quarantined.
// Blank rows and header rows are counted apart and are not part of read.
struct RowCounts
{
    qint64 read = 0;
    qint64 accepted = 0;
    qint64 duplicatesIdentical = 0;
    qint64 duplicatesConflicting = 0;
    qint64 quarantined = 0;
    qint64 blank = 0;
    qint64 headerRows = 0;

    bool balanced() const { return read == accepted + duplicatesIdentical + duplicatesConflicting + quarantined; }
    RowCounts &operator+=(const RowCounts &o)
    {
        read += o.read;
        accepted += o.accepted;
        duplicatesIdentical += o.duplicatesIdentical;
        duplicatesConflicting += o.duplicatesConflicting;
        quarantined += o.quarantined;
        blank += o.blank;
        headerRows += o.headerRows;
        return *this;
    }
    bool operator==(const RowCounts &) const = default;
};

// {read, accepted, duplicatesIdentical, duplicatesConflicting, quarantined, blank, headerRows}: the shape used in
// the project file and in the JSON report.
nlohmann::json rowCountsToJson(const RowCounts &c);
RowCounts rowCountsFromJson(const nlohmann::json &j);

// A row that could not become a record. Its raw cells are kept so it can be fixed in place and re-validated.
struct QuarantinedRow
{
    int sourceIndex = -1;
    qint64 row = 0;          // row number in the source as the user sees it
    QString field;           // field key ("timestamp") the reason is about; empty for the whole row
    QString reason;          // "Incidents row 812: timestamp 'TBC' is not a date"
    QStringList cells;       // the row's cells as text, in the source's column order
};

// Something worth knowing about an accepted row (an optional field destroyed by a spreadsheet error, ...).
struct RowWarning
{
    int sourceIndex = -1;
    qint64 row = 0;
    QString field;
    QString message;
};

} // namespace tt
