#include "csvexport.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "roster/roster.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimeZone>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::CsvExport", text);
}

QString isoUtc(qint64 ms)
{
    return ms == 0 ? QString() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString yesNo(bool b)
{
    return b ? u"yes"_s : u"no"_s;
}

void writeFile(const QString &path, const QStringList &header, const std::vector<QStringList> &rows)
{
    PrivateFile file(path); // 0600: rosters and quarantined rows are children's data
    QString text;
    text += QChar(0xFEFF); // BOM: spreadsheets then read the file as UTF-8
    text += csvLine(header);
    for (const QStringList &r : rows)
        text += csvLine(r);
    file.write(text.toUtf8());
    file.commit();
}

} // namespace

QString csvCell(const QString &value)
{
    QString v = value;
    if (!v.isEmpty()) {
        const QChar c = v.at(0);
        if (c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r')
            v.prepend(u'\'');
    }
    if (v.contains(u',') || v.contains(u'"') || v.contains(u'\n') || v.contains(u'\r') || v.contains(u';')) {
        v.replace(u"\""_s, u"\"\""_s);
        return u'"' + v + u'"';
    }
    return v;
}

QString csvLine(const QStringList &cells)
{
    QString line;
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i)
            line += u',';
        line += csvCell(cells.at(i));
    }
    line += u"\r\n"_s;
    return line;
}

void writeCsvExports(const ReportData &data, const QString &dir)
{
    makePrivateDir(dir); // a folder it creates is 0700
    const QDir d(dir);
    static const Roster empty;
    const Roster &roster = data.roster ? *data.roster : empty;

    std::vector<QStringList> rows;
    for (const TeacherDraft &t : roster.teachers)
        rows.push_back({t.email, t.displayName, t.displayNameSource, t.role, yesNo(t.isSpecialist),
                        t.specialistEvidence, QString::number(t.incidents), QString::number(t.commendations),
                        isoUtc(t.firstSeenMs), isoUtc(t.lastSeenMs), t.classes.join(u' '), yesNo(t.decided)});
    writeFile(d.filePath(u"teachers.csv"_s),
              {u"email"_s, u"displayName"_s, u"displayNameSource"_s, u"role"_s, u"isSpecialist"_s,
               u"specialistEvidence"_s, u"incidents"_s, u"commendations"_s, u"firstSeen"_s, u"lastSeen"_s,
               u"classes"_s, u"decided"_s},
              rows);

    rows.clear();
    for (const ClassroomDraft &c : roster.classrooms)
        rows.push_back({c.code, c.name, c.homeroomTeacherEmail, c.homeroomEvidence, c.runnerUpEmail,
                        QString::number(c.homeroomMargin), c.specialistEmails.join(u' '),
                        QString::number(c.students), QString::number(c.logs), yesNo(c.decided)});
    writeFile(d.filePath(u"classrooms.csv"_s),
              {u"code"_s, u"name"_s, u"homeroomTeacherEmail"_s, u"homeroomEvidence"_s, u"runnerUpEmail"_s,
               u"homeroomMargin"_s, u"specialistEmails"_s, u"students"_s, u"logs"_s, u"decided"_s},
              rows);

    rows.clear();
    for (const StudentDraft &s : roster.students) {
        QStringList history;
        for (const ClassStint &h : s.classHistory)
            history.append(u"%1 %2..%3 (%4)"_s.arg(h.classCode, isoUtc(h.firstMs).left(10), isoUtc(h.lastMs).left(10))
                               .arg(h.logs));
        rows.push_back({s.studentId, s.firstName, s.lastName, s.classCode, s.guardians, s.notes,
                        s.nameVariants.join(u"; "_s), history.join(u"; "_s), QString::number(s.logs),
                        yesNo(s.fromRosterOnly), s.nameSource, yesNo(s.decided)});
    }
    writeFile(d.filePath(u"students.csv"_s),
              {u"studentId"_s, u"firstName"_s, u"lastName"_s, u"classCode"_s, u"guardians"_s, u"notes"_s,
               u"nameVariants"_s, u"classHistory"_s, u"logs"_s, u"fromRosterOnly"_s, u"nameSource"_s, u"decided"_s},
              rows);

    writeQuarantineCsv(data.quarantine, data.sourceNames, d.filePath(u"quarantine.csv"_s));
    if (!data.applied.isEmpty())
        writeAppliedCsv(data.applied, d.filePath(u"applied.csv"_s));
}

void writeAppliedCsv(const QJsonArray &applied, const QString &path)
{
    const QStringList tables{u"Organization"_s, u"Teacher"_s, u"Classroom"_s, u"TeacherClass"_s, u"Student"_s, u"Incident"_s};
    QStringList header{u"database"_s, u"server"_s, u"systemIdentifier"_s, u"runId"_s, u"at"_s, u"performedBy"_s,
                       u"backupPath"_s, u"backupBytes"_s, u"backupSha256"_s};
    for (const QString &t : tables)
        header << u"inserted%1"_s.arg(t);
    header << u"verified"_s << u"decidedByHand"_s << u"acceptedSuggestions"_s << u"warningsAcknowledged"_s;
    std::vector<QStringList> rows;
    for (const QJsonValue &value : applied) {
        const QJsonObject a = value.toObject();
        const QJsonObject backup = a.value(u"backup"_s).toObject();
        const QJsonObject inserted = a.value(u"inserted"_s).toObject();
        const QJsonObject questions = a.value(u"questions"_s).toObject();
        const QJsonValue verified = a.value(u"verified"_s);
        QStringList r{a.value(u"database"_s).toString(), a.value(u"server"_s).toString(),
                      a.value(u"systemIdentifier"_s).toString(), a.value(u"runId"_s).toString(), a.value(u"at"_s).toString(),
                      a.value(u"performedBy"_s).toString(), backup.value(u"path"_s).toString(),
                      QString::number(qint64(backup.value(u"bytes"_s).toDouble())), backup.value(u"sha256"_s).toString()};
        for (const QString &t : tables)
            r << QString::number(qint64(inserted.value(t).toDouble()));
        QStringList warnings;
        for (const QJsonValue &w : a.value(u"warningsAcknowledged"_s).toArray())
            warnings << w[u"kind"_s].toString() + u": "_s + w[u"subject"_s].toString();
        r << (verified.isObject() ? (verified[u"ok"_s].toBool() ? u"ok"_s : u"differences"_s) : u"not yet"_s)
          << QString::number(qint64(questions.value(u"decidedByHand"_s).toDouble()))
          << QString::number(qint64(questions.value(u"acceptedSuggestions"_s).toDouble())) << warnings.join(u"; "_s);
        rows.push_back(r);
    }
    makePrivateDir(QFileInfo(path).absolutePath());
    writeFile(path, header, rows);
}

void writeQuarantineCsv(const std::vector<QuarantinedRow> &quarantine, const QStringList &sourceNames,
                        const QString &path)
{
    std::vector<QStringList> rows;
    int maxCells = 0;
    for (const QuarantinedRow &q : quarantine)
        maxCells = std::max(maxCells, int(q.cells.size()));
    for (const QuarantinedRow &q : quarantine) {
        const QString source = q.sourceIndex >= 0 && q.sourceIndex < sourceNames.size()
            ? sourceNames.at(q.sourceIndex)
            : tr("source %1").arg(q.sourceIndex + 1);
        QStringList r{source, QString::number(q.row), q.field, q.reason};
        r += q.cells;
        rows.push_back(r);
    }
    QStringList header{u"source"_s, u"row"_s, u"field"_s, u"reason"_s};
    for (int i = 0; i < maxCells; ++i)
        header.append(u"cell%1"_s.arg(i + 1));
    makePrivateDir(QFileInfo(path).absolutePath());
    writeFile(path, header, rows);
}

} // namespace tt
