#pragma once
// Turns the rows of one source (one tab of one file) into incident records, or quarantined rows with a reason
// an administrator understands ("incidents.csv row 812: timestamp 'TBC' is not a date"). Nothing is dropped:
// every row is read and accepted, quarantined, or counted as blank / header.
#include "columnmapping.h"
#include "importtypes.h"
#include "incidentrecord.h"
#include "timestampparser.h"

#include <QSet>
#include <algorithm>
#include <QStringList>
#include <cstring>
#include <string_view>
#include <array>
#include <vector>

namespace tt {

struct ValidationContext
{
    int sourceIndex = -1;
    QString sourceName;       // shown in messages: "incidents.csv", "export.xlsx, Incidents"
    RecordType type = RecordType::Incident;
    ColumnMapping mapping;
    QTimeZone zone;           // the school's time zone
    DateOrder order = DateOrder::Auto;        // the project's setting; Auto = decide per column
    DateOrder fallbackOrder = DateOrder::DayFirst; // the school locale's order, used when the column can't tell
};

class RecordValidator
{
public:
    explicit RecordValidator(ValidationContext ctx);

    // A hint: about how many rows will come (saves regrowing the record list of a large file).
    void reserve(qint64 rows);
    // Moves what was read to another source slot (a file read before its slot was known); before finish().
    void setSourceIndex(int sourceIndex);
    // Feed every row of the source in order (blank and header rows included: they are counted apart).
    void add(const SheetRow &row);
    // Decides the day/month order of locale dates in the column and settles the rows that waited for it.
    void finish();

    // A file read in parts on several threads: each part has its own validator. The parts after the first are
    // told so before their first row (their first row that is not blank is not the source's header row), then
    // appended to the first in order before finish(): the records, quarantine, warnings, counts, date-order
    // evidence and the rows waiting for it come out as if one validator had read every row.
    void continuesSource() { m_sawFirstRow = true; }
    void append(RecordValidator &&later);

    std::vector<IncidentRecord> &records() { return m_records; }
    std::vector<QuarantinedRow> &quarantine() { return m_quarantine; }
    std::vector<RowWarning> &warnings() { return m_warnings; }
    // read, quarantined, blank, headerRows; accepted = records before duplicates are told apart.
    RowCounts counts() const;
    QStringList notes() const { return m_notes; }
    DateOrder orderUsed() const { return m_orderUsed; }

    // Helpers shared with re-validation and tests.
    static bool isSpreadsheetError(const QString &text);
    static QString normaliseStudentId(const Cell &cell, bool *fromNumber, bool *ok);
    static std::optional<QString> normaliseUuid(const QString &text);
    static QString generatedUuid(const IncidentRecord &r); // v5 of the content: same row, same id
    static QString cellText(const Cell &c);
    // What a quarantined row keeps of its cells: every mapped cell whole, other cells up to the mapping's
    // keptColumns() and ExcerptChars characters each (longer ones end in "…"), no trailing empty cells.
    static QStringList quarantineExcerpt(const SheetRow &row, const ColumnMapping &mapping);
    static constexpr qsizetype ExcerptChars = 256;

private:
    struct Pending
    {
        size_t recordIndex;
        LocalDateParts parts;
        QString original;
        bool needsUuid;
    };
    enum class Stamp { Resolved, Pending, Quarantined };
    const Cell &cellOf(const SheetRow &row, Field f) const;
    bool countAsData(const SheetRow &row);                                        // blank and header rows are counted, not read
    bool readIdentity(const SheetRow &row, IncidentRecord &r, bool &needsUuid);   // false: the row was quarantined
    void readStudentId(const SheetRow &row, IncidentRecord &r);
    void readOptionalFields(const SheetRow &row, IncidentRecord &r);
    Stamp readTimestamp(const SheetRow &row, IncidentRecord &r, LocalDateParts &pending);
    bool quarantineRow(const SheetRow &row, Field field, const QString &reason);
    void warn(qint64 row, Field field, const QString &message);
    const QString &intern(Field f, const QString &s) { return m_interned[size_t(f)].intern(s); }
    const QString &intern(Field f, QStringView s) { return m_interned[size_t(f)].intern(s); }
    QString where(qint64 row) const;

    ValidationContext m_ctx;
    TimestampParser m_parser;
    std::vector<IncidentRecord> m_records;
    std::vector<QuarantinedRow> m_quarantine;
    std::vector<RowWarning> m_warnings;
    std::vector<Pending> m_pending;
    std::vector<bool> m_removed;
    // Equal values share one string: a small open-addressing table per field (a field has few distinct values, so
    // its table stays in cache), each slot holding the hash beside the string; 8-bytes-a-step hash, memcmp
    // equality. Several times cheaper per row than a QSet (a large share of the import's time before, #14).
    class InternTable
    {
    public:
        // The returned reference is valid until the next call: copy it.
        const QString &intern(const QString &s);
        const QString &intern(QStringView s); // the same, from a view: copied only when new

    private:
        struct Slot
        {
            quint64 hash = 0;
            QString text;
            bool used = false;
        };
        static quint64 hashOf(const QString &s);
        void grow();
        static quint64 hashOf(QStringView s);
        const QString &insert(QStringView s, const QString *owner);
        std::vector<Slot> m_slots;
        size_t m_used = 0;
    };
    std::array<InternTable, 12> m_interned; // by Field
    QStringList m_notes;
    qint64 m_read = 0, m_blank = 0, m_header = 0, m_quarantined = 0;
    qint64 m_dmyEvidence = 0, m_mdyEvidence = 0;
    bool m_sawFirstRow = false;
    DateOrder m_orderUsed = DateOrder::Auto;
};

} // namespace tt
