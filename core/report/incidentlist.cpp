#include "incidentlist.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "csvexport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QMap>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::IncidentList", text, disambiguation, n);
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString localTime(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toTimeZone(zone).toString(u"yyyy-MM-dd HH:mm"_s);
}

QString typeName(RecordType t)
{
    return t == RecordType::Incident ? tr("Incident") : tr("Commendation");
}

// Printed: page-sized, readable in grey scale; a row of the table is never split across pages (QTextDocument
// keeps a table row on one page; the header repeats through <thead>).
constexpr char kCss[] = R"(body { font-family: sans-serif; font-size: 9pt; color: #000; background: #fff; }
h1 { font-size: 14pt; margin: 0 0 4pt 0; }
p.meta { color: #333; margin: 0 0 8pt 0; }
table { border-collapse: collapse; }
th { text-align: left; border-bottom: 1px solid #000; padding: 2pt 4pt; }
td { vertical-align: top; border-bottom: 1px solid #999; padding: 2pt 4pt; }
)";

QString page(const QString &title, const QString &body)
{
    return u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"_s + esc(title)
        + u"</title>\n<style>"_s + QString::fromLatin1(kCss) + u"</style>\n</head>\n<body>\n<h1>"_s + esc(title)
        + u"</h1>\n"_s + body + u"</body>\n</html>\n"_s;
}

// The printed table: fewer columns than the CSV (a page is narrow), the note in full.
QString printedTable(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                     const IncidentListContext &context, bool withStudent)
{
    QStringList header{tr("When"), tr("Type")};
    if (withStudent)
        header << tr("Student") << tr("Student ID");
    header << tr("Class") << tr("Teacher") << tr("Level") << tr("Category") << tr("Location") << tr("Action taken")
           << tr("Note");
    // width and padding as attributes: QTextDocument (the PDF) ignores them in CSS
    QString h = u"<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\">\n<thead><tr>"_s;
    for (const QString &c : header)
        h += u"<th>"_s + esc(c) + u"</th>"_s;
    h += u"</tr></thead>\n<tbody>\n"_s;
    for (int row : rows) {
        if (row < 0 || size_t(row) >= records.size())
            continue;
        const IncidentRecord &r = records[size_t(row)];
        QStringList cells{localTime(r.timestampMs, context.zone), typeName(r.type)};
        if (withStudent)
            cells << r.studentName << r.studentId;
        cells << r.classCode << r.teacherEmail << r.level << r.category << r.location << r.actionTaken << r.note;
        h += u"<tr>"_s;
        for (const QString &c : cells)
            h += u"<td>"_s + esc(c).replace(u'\n', u"<br>"_s) + u"</td>"_s;
        h += u"</tr>\n"_s;
    }
    h += u"</tbody></table>\n"_s;
    return h;
}

// "1 incident", "2 incidents" (English; a translation brings its own plural forms through %n)
QString count(qint64 n, const char *one, const char *many)
{
    return (n == 1 ? tr(one) : tr(many)).arg(QLocale().toString(n));
}

QString generatedLine(const IncidentListContext &context)
{
    const qint64 at = context.generatedAtMs ? context.generatedAtMs : QDateTime::currentMSecsSinceEpoch();
    return tr("Recovered by TrackTally Recovery from the school's sheet; printed %1. Times are the school's "
              "local time (%2).")
        .arg(localTime(at, context.zone), QString::fromUtf8(context.zone.id()));
}

} // namespace

QStringList incidentListColumns()
{
    return {tr("When (school time)"), tr("Type"), tr("Student"), tr("Student ID"), tr("Class"), tr("Teacher"),
            tr("Level"), tr("Category"), tr("Location"), tr("Action taken"), tr("Note"), tr("Log id"),
            tr("Source"), tr("Row")};
}

QStringList incidentListCells(const IncidentRecord &r, const IncidentListContext &context)
{
    const QString source = r.sourceIndex >= 0 && r.sourceIndex < context.sourceNames.size()
                               ? context.sourceNames.at(r.sourceIndex)
                               : QString();
    return {localTime(r.timestampMs, context.zone), typeName(r.type), r.studentName, r.studentId, r.classCode,
            r.teacherEmail, r.level, r.category, r.location, r.actionTaken, r.note, r.uuid, source,
            QString::number(r.sourceRow)};
}

void writeIncidentListCsv(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                          const IncidentListContext &context, const QString &path)
{
    QString text;
    text += QChar(0xFEFF); // BOM: spreadsheets then read the file as UTF-8
    text += csvLine(incidentListColumns());
    for (int row : rows) {
        if (row < 0 || size_t(row) >= records.size())
            throw UserError(tr("Cannot write %1: row %2 is not in the incident list.")
                                .arg(QDir::toNativeSeparators(path))
                                .arg(row));
        text += csvLine(incidentListCells(records[size_t(row)], context));
    }
    writePrivateFile(path, text.toUtf8());
}

QString renderIncidentListHtml(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                               const IncidentListContext &context)
{
    qint64 incidents = 0;
    for (int row : rows)
        if (row >= 0 && size_t(row) < records.size() && records[size_t(row)].type == RecordType::Incident)
            ++incidents;
    const qint64 total = qint64(rows.size());
    const QString title = tr("Recovered incidents: %1").arg(context.schoolName);
    QString body = u"<p class=\"meta\">"_s + esc(generatedLine(context)) + u"<br>"_s
        + esc(context.filterSummary.isEmpty() ? tr("Every recovered log.") : tr("Filtered: %1.").arg(context.filterSummary))
        + u"<br>"_s
        + esc(tr("%1: %2, %3.")
                  .arg(count(total, "%1 log", "%1 logs"), count(incidents, "%1 incident", "%1 incidents"),
                       count(total - incidents, "%1 commendation", "%1 commendations")))
        + u"</p>\n"_s;
    body += printedTable(records, rows, context, true);
    return page(title, body);
}

QString renderStudentHistoryHtml(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                                 const IncidentListContext &context)
{
    QString name, id;
    qint64 incidents = 0, commendations = 0, first = 0, last = 0;
    QMap<QString, int> classes; // class -> logs
    for (int row : rows) {
        if (row < 0 || size_t(row) >= records.size())
            continue;
        const IncidentRecord &r = records[size_t(row)];
        if (name.isEmpty())
            name = r.studentName;
        if (id.isEmpty())
            id = r.studentId;
        (r.type == RecordType::Incident ? incidents : commendations) += 1;
        if (!r.classCode.isEmpty())
            ++classes[r.classCode];
        first = first == 0 ? r.timestampMs : qMin(first, r.timestampMs);
        last = qMax(last, r.timestampMs);
    }
    QStringList classList;
    for (auto it = classes.cbegin(); it != classes.cend(); ++it)
        classList << tr("%1 (%2)").arg(it.key(), count(it.value(), "%1 log", "%1 logs"));
    const QString title = tr("Behaviour history: %1").arg(name.isEmpty() ? tr("(no name)") : name);
    QString body = u"<p class=\"meta\">"_s + esc(context.schoolName) + u"<br>"_s
        + esc(tr("Student ID: %1").arg(id.isEmpty() ? tr("none recorded") : id)) + u"<br>"_s
        + esc(tr("Classes: %1").arg(classList.isEmpty() ? tr("none recorded") : classList.join(u", "_s))) + u"<br>"_s
        + esc(tr("%1 and %2").arg(count(incidents, "%1 incident", "%1 incidents"),
                                  count(commendations, "%1 commendation", "%1 commendations")));
    if (first)
        body += esc(tr(", from %1 to %2").arg(localTime(first, context.zone).left(10), localTime(last, context.zone).left(10)));
    body += u".<br>"_s + esc(generatedLine(context)) + u"</p>\n"_s;
    body += printedTable(records, rows, context, false);
    return page(title, body);
}

} // namespace tt
