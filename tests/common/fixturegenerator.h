#pragma once
// The seeded fixture generator: an invented primary school (teachers, classes, students) and a year of
// incident/commendation logs as ground truth, plus writers that export them the way a real Google Sheet does,
// with every quirk the importer must handle. The ExportResult of each writer holds the exact counts and the
// exact records the importer must produce for that file. Same seed, same output (std::mt19937_64).
#include "records/field.h"
#include "records/incidentrecord.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <utility>
#include <vector>

namespace tt::test {

struct SchoolSpec
{
    quint64 seed = 1;
    int classes = 14;
    int studentsPerClass = 24;
    int logs = 6000;
    double commendationShare = 0.35;
    QString name = QStringLiteral("Wattle Grove Primary");
    QString domain = QStringLiteral("wattlegrove.example.edu.au");
    QString timeZone = QStringLiteral("Australia/Melbourne");
    int year = 2025;
    // Pairs of students given one name (two real children): ~80% in different classes, the rest in the same class.
    // 0 keeps the output of every seed as it was.
    int namesakePairs = 0;
};

struct TruthTeacher
{
    QString email;
    QString displayName; // empty when the email does not plainly hold a name ("jtan@", "teacher07@")
    QString role;        // "teacher" | "admin"
    bool specialist = false;
    QString specialty;   // "Art", "PE", "Music" for specialists; empty otherwise
    QStringList classes; // homeroom: its class; specialists: the classes they logged in (sorted); admin: none
    QString fullName;    // the person's name as the staff list has it (always set; see writeStaffCsv)
};

struct TruthClass
{
    QString code, name, homeroomEmail;
    QStringList specialistEmails; // specialists who logged at least once in this class (sorted)
};

struct TruthStudent
{
    QString studentId; // as the school has it, e.g. "0421"
    QString firstName, lastName, finalClassCode, guardians;
    QStringList classHistory; // codes, oldest first (two entries for a student who moved)
    bool hasLogs = false;
    qint64 movedAtMs = 0;     // UTC ms of the move when the history has two entries
    QString namesakeId;       // another student with the same name (SchoolSpec::namesakePairs), or empty
};

struct School
{
    SchoolSpec spec;
    std::vector<TruthTeacher> teachers;
    std::vector<TruthClass> classes;
    std::vector<TruthStudent> students;
    // Clean truth, sorted by time: what the importer must produce for each uuid from a quirk-free export.
    // sourceIndex/sourceRow/flags are left at their defaults.
    std::vector<tt::IncidentRecord> logs;
};

School generateSchool(const SchoolSpec &spec);

struct QuirkOptions
{
    bool header = true;
    bool titleCaseHeader = false; // "Timestamp,Student ID,Student Name,...,Teacher Email,Class Code,Device,UUID"
    bool localeDates = true;      // some timestamps as "d/m/yyyy h:mm:ss" school local time (XLSX: date serials)
    bool numberIds = true;        // XLSX: student ids as Number cells (some literal "3430.0")
    bool duplicates = true;       // identical later copies, and stale earlier copies (conflicting)
    bool blankRows = true;
    bool badRows = true;          // rows to quarantine (extra rows, never a truth log)
    bool missingUuids = true;
    bool extraColumns = true;     // "Followed up?", "Staff initials" to the right
    bool formulaNotes = true;     // notes starting with = + - @ (in the truth); false: written without that sign
    bool spreadsheetErrors = true; // #REF! etc. in optional fields (and, with badRows, in required ones)
    bool nameVariants = true;     // case damage / typos in studentName (kept by the importer)
    bool lostLeadingZeros = true; // "0421" written as 421
    bool upperCaseEmails = true;
    bool trailingSpaces = true;
    bool multilineNotes = true;   // false: newlines in truth notes are written (and expected) as spaces
    // Students with only 2-3 logs in a tab whose first log there is a one-letter typo: no spelling has a clear
    // majority (a question for the administrator). 0: none, the output of every seed as it was.
    int unclearNameVariants = 0;

    static QuirkOptions none()
    {
        QuirkOptions q;
        // formula-like and multi-line notes are content of the truth, not damage: they stay
        q.localeDates = q.numberIds = q.duplicates = q.blankRows = q.badRows = q.missingUuids = q.extraColumns
            = q.spreadsheetErrors = q.nameVariants = q.lostLeadingZeros = q.upperCaseEmails = q.trailingSpaces
            = false;
        return q;
    }
};

struct ExpectedCounts
{
    qint64 read = 0, accepted = 0, duplicatesIdentical = 0, duplicatesConflicting = 0, quarantined = 0, blank = 0,
           headerRows = 0;
    bool balanced() const { return read == accepted + duplicatesIdentical + duplicatesConflicting + quarantined; }
};

struct ExportResult
{
    QString path;
    ExpectedCounts counts; // per file (per sheet for a workbook)
    QMap<QString, qint64> quarantinedRowsByReasonField; // field key -> rows, e.g. "timestamp" -> 3
    QMap<qint64, QString> quarantinedRows;              // row number (as the user sees it) -> field key
    // Exactly the accepted records the importer must produce (one per uuid, the chosen = last row of its group),
    // in order of that row. sourceRow = that row's number (header = row 1); flags = the IncidentRecord::Flag
    // bits the importer should set (TimestampLocal/Serial, StudentIdFromNumber, UuidGenerated, HasWarnings).
    // Records of rows without uuid have an EMPTY uuid here (the importer generates one): match them by content.
    std::vector<tt::IncidentRecord> records;
    std::vector<tt::IncidentRecord> generatedUuidRecords; // the subset of records whose uuid the importer makes
    qint64 warnings = 0; // accepted rows with a spreadsheet error in an optional field (one field each)
};

// CSV of one tab (Incidents = type incident logs, Commendations = commendation logs).
// encoding: "UTF-8", "UTF-8 BOM" or "UTF-16LE BOM".
ExportResult writeCsvTab(const School &school, tt::RecordType tab, const QString &path, const QuirkOptions &q,
                         char delimiter = ',', const QString &encoding = QStringLiteral("UTF-8"));
// XLSX workbook with sheets "Incidents" and "Commendations"; locale dates become DateTime cells (serials, school
// local time) and number ids become Number cells (some with literal "3430.0").
std::pair<ExportResult, ExportResult> writeWorkbook(const School &school, const QString &path, const QuirkOptions &q);
// The school's own student roster (header variant chosen by seed), every student incl. those without logs.
void writeRosterCsv(const School &school, const QString &path);
// Staff list: Email, Name|Display Name (full name, also for "jtan@"-style emails), Role ("teacher"|"admin").
void writeStaffCsv(const School &school, const QString &path);

// Helpers for tests.
const TruthStudent *findStudent(const School &school, const QString &studentId);
QString rosterHeaderVariant(const School &school); // the roster header line writeRosterCsv uses

} // namespace tt::test
