#include "htmlreport.h"

#include "roster/roster.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::HtmlReport", text, disambiguation, n);
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString num(qint64 v)
{
    return QLocale::c().toString(v);
}

QString date(qint64 ms)
{
    return ms == 0 ? QString() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

QString pct(qint64 part, qint64 whole)
{
    if (whole <= 0)
        return u"–"_s;
    return QString::number(100.0 * double(part) / double(whole), 'f', 1) + u'%';
}

// One table: the header cells and rows are plain text (escaped here).
QString table(const QStringList &header, const std::vector<QStringList> &rows, const QString &cssClass = {})
{
    QString h = cssClass.isEmpty() ? u"<table>\n<thead><tr>"_s : u"<table class=\"%1\">\n<thead><tr>"_s.arg(cssClass);
    for (const QString &c : header)
        h += u"<th>"_s + esc(c) + u"</th>"_s;
    h += u"</tr></thead>\n<tbody>\n"_s;
    for (const QStringList &r : rows) {
        h += u"<tr>"_s;
        for (const QString &c : r)
            h += u"<td>"_s + esc(c) + u"</td>"_s;
        h += u"</tr>\n"_s;
    }
    h += u"</tbody></table>\n"_s;
    return h;
}

QString yes(bool b)
{
    return b ? tr("yes") : QString();
}

const char *const kCss = R"(
body { font-family: system-ui, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #999; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
tr:nth-child(even) td { background: #fafafa; }
table.totals { width: auto; }
td.num, table.totals td:last-child { text-align: right; }
.ok { color: #1a6b1a; } .warn { color: #a35d00; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
)";

// One section per apply: where, when, who, the backup and its checksum, what was inserted and verified, the
// questions answered and the warnings acknowledged.
QString appliedSection(const ReportData &data)
{
    if (data.applied.isEmpty())
        return {};
    QString h = u"<h2>"_s + esc(tr("Written to a database (%1)").arg(data.applied.size())) + u"</h2>\n"_s;
    for (const QJsonValue &value : data.applied) {
        const QJsonObject a = value.toObject();
        const QJsonObject backup = a.value(u"backup"_s).toObject();
        const QJsonObject questions = a.value(u"questions"_s).toObject();
        const QJsonValue verified = a.value(u"verified"_s);
        QString check = tr("not verified yet");
        if (verified.isObject()) {
            const QJsonObject v = verified.toObject();
            check = v.value(u"ok"_s).toBool()
                ? tr("✓ verified %1: everything matches").arg(v.value(u"at"_s).toString())
                : tr("✗ verified %1: %2 difference(s)").arg(v.value(u"at"_s).toString()).arg(v.value(u"differences"_s).toArray().size());
        }
        const auto n = [&](const QJsonObject &o, const QString &key) { return num(qint64(o.value(key).toDouble())); };
        std::vector<QStringList> rows{
            {tr("Database"), a.value(u"database"_s).toString()},
            {tr("Server"), a.value(u"server"_s).toString()},
            {tr("System identifier"), a.value(u"systemIdentifier"_s).toString()},
            {tr("Run id"), a.value(u"runId"_s).toString()},
            {tr("When (UTC)"), a.value(u"at"_s).toString()},
            {tr("Performed by"), a.value(u"performedBy"_s).toString()},
            {tr("Backup file"), backup.value(u"path"_s).toString()},
            {tr("Backup size (bytes)"), n(backup, u"bytes"_s)},
            {tr("Backup SHA-256"), backup.value(u"sha256"_s).toString()},
            {tr("Verification"), check},
            {tr("Questions answered by hand (roster rows decided)"), n(questions, u"decidedByHand"_s)},
            {tr("Suggestions accepted (Accept every suggestion)"), n(questions, u"acceptedSuggestions"_s)},
        };
        const QJsonObject inserted = a.value(u"inserted"_s).toObject();
        for (const QString &t : {u"Organization"_s, u"Teacher"_s, u"Classroom"_s, u"TeacherClass"_s, u"Student"_s, u"Incident"_s})
            rows.push_back({tr("Rows inserted into %1").arg(t), n(inserted, t)});
        h += u"<h3>"_s + esc(tr("%1 on %2").arg(a.value(u"database"_s).toString(), a.value(u"server"_s).toString())) + u"</h3>\n"_s;
        h += table({tr("What"), tr("Value")}, rows, u"totals"_s);
        std::vector<QStringList> warnings;
        for (const QJsonValue &w : a.value(u"warningsAcknowledged"_s).toArray())
            warnings.push_back({w[u"kind"_s].toString(), w[u"subject"_s].toString(), w[u"detail"_s].toString()});
        if (!warnings.empty())
            h += u"<p>"_s + esc(tr("Warnings acknowledged by writing anyway:")) + u"</p>\n"_s
                + table({tr("Kind"), tr("About"), tr("Detail")}, warnings);
    }
    return h;
}

} // namespace

QString reportSourceName(const ReportData &data, int sourceIndex)
{
    if (sourceIndex >= 0 && sourceIndex < data.sourceNames.size())
        return data.sourceNames.at(sourceIndex);
    return tr("source %1").arg(sourceIndex + 1);
}

QString renderHtmlReport(const ReportData &data)
{
    static const Roster empty;
    const Roster &roster = data.roster ? *data.roster : empty;
    const qint64 generated = data.generatedAtMs ? data.generatedAtMs : QDateTime::currentMSecsSinceEpoch();
    const QString title = tr("Recovery report: %1").arg(data.schoolName);

    QString h;
    h += u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"_s + esc(title)
        + u"</title>\n<style>"_s + QString::fromUtf8(kCss) + u"</style>\n</head>\n<body>\n"_s;
    h += u"<h1>"_s + esc(title) + u"</h1>\n"_s;
    h += u"<p class=\"meta\">"_s
        + esc(tr("Domain %1 · generated %2 UTC")
                  .arg(data.domain,
                       QDateTime::fromMSecsSinceEpoch(generated, Qt::UTC).toString(u"yyyy-MM-dd HH:mm"_s)))
        + u"</p>\n"_s;

    // Totals
    h += u"<h2>"_s + esc(tr("Rows")) + u"</h2>\n"_s;
    const RowCounts &c = data.counts;
    h += table({tr("What"), tr("Rows")},
               {{tr("Rows read"), num(c.read)},
                {tr("Accepted"), num(c.accepted)},
                {tr("Identical duplicates (offline retries)"), num(c.duplicatesIdentical)},
                {tr("Conflicting duplicates (edited copies)"), num(c.duplicatesConflicting)},
                {tr("Quarantined"), num(c.quarantined)},
                {tr("of which dismissed by the administrator"), num(data.dismissed)},
                {tr("Blank rows (not counted)"), num(c.blank)},
                {tr("Incidents"), num(data.incidents)},
                {tr("Commendations"), num(data.commendations)}},
               u"totals"_s);
    h += u"<p class=\"%1\">"_s.arg(c.balanced() ? u"ok"_s : u"warn"_s)
        + esc(c.balanced() ? tr("Every row read is accounted for: read = accepted + duplicates + quarantined.")
                           : tr("The row counts do not balance: read ≠ accepted + duplicates + quarantined."))
        + u"</p>\n"_s;

    // Links
    const LinkSummary &l = roster.summary;
    h += u"<h2>"_s + esc(tr("Links")) + u"</h2>\n"_s;
    h += table({tr("Link"), tr("Linked"), tr("Share")},
               {{tr("Records"), num(l.total), QString()},
                {tr("Student"), num(l.student), pct(l.student, l.total)},
                {tr("Classroom"), num(l.classroom), pct(l.classroom, l.total)},
                {tr("Teacher"), num(l.teacher), pct(l.teacher, l.total)}},
               u"totals"_s);
    if (!roster.unlinkedReasons.isEmpty()) {
        std::vector<QStringList> rows;
        for (auto it = roster.unlinkedReasons.cbegin(); it != roster.unlinkedReasons.cend(); ++it)
            rows.push_back({it.key(), num(it.value())});
        h += table({tr("Not linked because"), tr("Records")}, rows, u"totals"_s);
    }

    // Teachers
    h += u"<h2>"_s + esc(tr("Teachers (%1)").arg(roster.teachers.size())) + u"</h2>\n"_s;
    {
        std::vector<QStringList> rows;
        for (const TeacherDraft &t : roster.teachers)
            rows.push_back({t.email, t.displayName, t.role, yes(t.isSpecialist), num(t.incidents),
                            num(t.commendations), t.classes.join(u", "_s), date(t.firstSeenMs), date(t.lastSeenMs),
                            t.specialistEvidence});
        h += table({tr("Email"), tr("Display name"), tr("Role"), tr("Specialist"), tr("Incidents"),
                    tr("Commendations"), tr("Classes"), tr("First seen"), tr("Last seen"), tr("Evidence")},
                   rows);
    }

    // Classrooms
    h += u"<h2>"_s + esc(tr("Classrooms (%1)").arg(roster.classrooms.size())) + u"</h2>\n"_s;
    {
        std::vector<QStringList> rows;
        for (const ClassroomDraft &cl : roster.classrooms)
            rows.push_back({cl.code, cl.name, cl.homeroomTeacherEmail, cl.specialistEmails.join(u", "_s),
                            num(cl.students), num(cl.logs), cl.homeroomEvidence});
        h += table({tr("Code"), tr("Name"), tr("Homeroom teacher"), tr("Specialists"), tr("Students"), tr("Logs"),
                    tr("Evidence")},
                   rows);
    }

    // Students
    h += u"<h2>"_s + esc(tr("Students (%1)").arg(roster.students.size())) + u"</h2>\n"_s;
    {
        std::vector<QStringList> rows;
        for (const StudentDraft &s : roster.students) {
            QStringList history;
            for (const ClassStint &st : s.classHistory)
                history.append(u"%1 %2–%3"_s.arg(st.classCode, date(st.firstMs), date(st.lastMs)));
            rows.push_back({s.studentId, s.firstName, s.lastName, s.classCode, s.guardians,
                            s.nameVariants.join(u"; "_s), history.join(u"; "_s), num(s.logs),
                            s.fromRosterOnly ? tr("school roster only") : s.nameSource});
        }
        h += table({tr("Student ID"), tr("First name"), tr("Last name"), tr("Class"), tr("Guardians"),
                    tr("Other spellings"), tr("Class history"), tr("Logs"), tr("Source")},
                   rows);
    }

    // Decisions left: the questions; then what the evidence settled (reviewable, undoable) and optional tasks
    std::vector<QStringList> questions, settled, tasks;
    for (const Conflict &cf : roster.conflicts) {
        if (cf.needsDecision)
            questions.push_back({cf.kind, cf.subject, cf.detail});
        else if (!cf.settledBy.isEmpty())
            settled.push_back({cf.settledBy, cf.subject, cf.detail});
        else
            tasks.push_back({cf.kind, cf.subject, cf.detail});
    }
    h += u"<h2>"_s + esc(tr("What remains to decide (%1)").arg(questions.size())) + u"</h2>\n"_s;
    if (questions.empty())
        h += u"<p class=\"ok\">"_s + esc(tr("Nothing: every suggestion is settled.")) + u"</p>\n"_s;
    else
        h += table({tr("Kind"), tr("About"), tr("Detail")}, questions);
    if (!settled.empty()) {
        h += u"<h2>"_s + esc(tr("Settled automatically (%1)").arg(settled.size())) + u"</h2>\n"_s;
        h += table({tr("Rule"), tr("About"), tr("Evidence")}, settled);
    }
    if (!tasks.empty()) {
        h += u"<h2>"_s + esc(tr("Optional (%1)").arg(tasks.size())) + u"</h2>\n"_s;
        h += table({tr("Kind"), tr("About"), tr("Detail")}, tasks);
    }

    h += appliedSection(data);

    // Quarantine
    h += u"<h2>"_s + esc(tr("Quarantined rows (%1)").arg(data.quarantine.size())) + u"</h2>\n"_s;
    if (data.quarantine.empty()) {
        h += u"<p class=\"ok\">"_s + esc(tr("No row was quarantined.")) + u"</p>\n"_s;
    } else {
        std::vector<QStringList> rows;
        for (size_t i = 0; i < data.quarantine.size(); ++i) {
            const QuarantinedRow &q = data.quarantine[i];
            const QString dismissal = data.dismissals.value(qsizetype(i));
            rows.push_back({reportSourceName(data, q.sourceIndex), num(q.row), q.field, q.reason,
                            dismissal.isEmpty() ? tr("No") : tr("Dismissed: %1").arg(dismissal), q.cells.join(u" | "_s)});
        }
        h += table({tr("Source"), tr("Row"), tr("Field"), tr("Reason"), tr("Dismissed"), tr("Cells")}, rows);
    }
    h += u"</body>\n</html>\n"_s;
    return h;
}

} // namespace tt
