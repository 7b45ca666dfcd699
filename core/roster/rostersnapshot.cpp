#include "rostersnapshot.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "sheets/csvreader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;

namespace tt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::RosterSnapshot", text);
}

const char *const kManifest = "snapshot.json";
const char *const kFormat = "tracktally-roster-snapshot";

QString quoted(const QString &cell)
{
    if (!cell.contains(u',') && !cell.contains(u'"') && !cell.contains(u'\n') && !cell.contains(u'\r'))
        return cell;
    QString v = cell;
    v.replace(u"\""_s, u"\"\""_s);
    return u'"' + v + u'"';
}

QByteArray csv(const QStringList &header, const std::vector<QStringList> &rows)
{
    QString text = u"\uFEFF"_s;
    auto line = [&text](const QStringList &cells) {
        for (qsizetype i = 0; i < cells.size(); ++i)
            text += (i ? u","_s : QString()) + quoted(encodeSnapshotCell(cells[i]));
        text += u"\r\n"_s;
    };
    line(header);
    for (const QStringList &r : rows)
        line(r);
    return text.toUtf8();
}

QString boolText(bool b)
{
    return b ? u"true"_s : u"false"_s;
}

// One CSV file of a snapshot as maps of column name -> decoded value, header checked.
struct Table
{
    QString file;
    std::vector<std::pair<qint64, QHash<QString, QString>>> rows;
};

Table readTable(const QString &dir, const QString &name, const QStringList &columns)
{
    Table t;
    t.file = QDir(dir).filePath(name);
    if (!QFileInfo::exists(t.file))
        throw SourceError(t.file, tr("%1: the snapshot has no %2.").arg(dir, name));
    CsvReader reader(t.file);
    reader.setDelimiter(',');
    QStringList header;
    reader.read([&](SheetRow &row) {
        QStringList cells;
        for (const Cell &c : row.cells)
            cells << c.text;
        if (header.isEmpty()) {
            header = cells;
            for (const QString &col : columns)
                if (!header.contains(col))
                    throw SourceError(t.file, tr("%1, row %2: the column \"%3\" is missing (a snapshot has %4).")
                                                  .arg(t.file)
                                                  .arg(row.number)
                                                  .arg(col, columns.join(u", "_s)));
            return true;
        }
        if (row.isBlank())
            return true;
        QHash<QString, QString> values;
        for (qsizetype i = 0; i < header.size(); ++i)
            values.insert(header[i], decodeSnapshotCell(i < cells.size() ? cells[i] : QString()));
        t.rows.emplace_back(row.number, values);
        return true;
    });
    if (header.isEmpty())
        throw SourceError(t.file, tr("%1 is empty: a snapshot file starts with its header row.").arg(t.file));
    return t;
}

bool boolValue(const Table &t, qint64 row, const QHash<QString, QString> &v, const QString &field, bool fallback)
{
    const QString text = v.value(field).trimmed().toLower();
    if (text.isEmpty())
        return fallback;
    if (text == u"true" || text == u"t" || text == u"yes" || text == u"1")
        return true;
    if (text == u"false" || text == u"f" || text == u"no" || text == u"0")
        return false;
    throw SourceError(t.file, tr("%1, row %2, field %3: \"%4\" is not true or false.").arg(t.file).arg(row).arg(field, v.value(field)));
}

QString requiredKey(const Table &t, qint64 row, const QHash<QString, QString> &v, const QString &field, QSet<QString> &seen)
{
    const QString key = v.value(field).trimmed();
    if (key.isEmpty())
        throw SourceError(t.file, tr("%1, row %2, field %3: empty; every row needs one.").arg(t.file).arg(row).arg(field));
    if (seen.contains(key.toCaseFolded()))
        throw SourceError(t.file, tr("%1, row %2, field %3: \"%4\" appears twice.").arg(t.file).arg(row).arg(field, key));
    seen.insert(key.toCaseFolded());
    return key;
}

} // namespace

QString encodeSnapshotCell(const QString &value)
{
    if (!value.isEmpty()) {
        const QChar c = value.at(0);
        if (c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r' || c == u'\'')
            return u'\'' + value;
    }
    return value;
}

QString decodeSnapshotCell(const QString &cell)
{
    return cell.startsWith(u'\'') ? cell.mid(1) : cell;
}

const QStringList &RosterSnapshot::teacherColumns()
{
    static const QStringList c = {u"email"_s, u"displayName"_s, u"role"_s, u"isSpecialist"_s, u"active"_s};
    return c;
}

const QStringList &RosterSnapshot::classroomColumns()
{
    static const QStringList c = {u"code"_s, u"name"_s, u"archived"_s, u"homeroomTeacherEmail"_s, u"specialistEmails"_s};
    return c;
}

const QStringList &RosterSnapshot::studentColumns()
{
    static const QStringList c = {u"studentId"_s, u"firstName"_s, u"lastName"_s, u"classCode"_s,
                                  u"guardians"_s, u"notes"_s,     u"active"_s};
    return c;
}

std::vector<QStringList> RosterSnapshot::teacherRows() const
{
    std::vector<QStringList> rows;
    for (const SnapshotTeacher &t : teachers)
        rows.push_back({t.email, t.displayName, t.role, boolText(t.isSpecialist), boolText(t.active)});
    return rows;
}

std::vector<QStringList> RosterSnapshot::classroomRows() const
{
    std::vector<QStringList> rows;
    for (const SnapshotClassroom &c : classrooms)
        rows.push_back({c.code, c.name, boolText(c.archived), c.homeroomTeacherEmail, c.specialistEmails.join(u"; "_s)});
    return rows;
}

std::vector<QStringList> RosterSnapshot::studentRows() const
{
    std::vector<QStringList> rows;
    for (const SnapshotStudent &s : students)
        rows.push_back({s.studentId, s.firstName, s.lastName, s.classCode, s.guardians, s.notes, boolText(s.active)});
    return rows;
}

void RosterSnapshot::write(const QString &dirPath) const
{
    makePrivateDir(dirPath);
    const QDir dir(dirPath);
    writePrivateFile(dir.filePath(u"teachers.csv"_s), csv(teacherColumns(), teacherRows()));
    writePrivateFile(dir.filePath(u"classrooms.csv"_s), csv(classroomColumns(), classroomRows()));
    writePrivateFile(dir.filePath(u"students.csv"_s), csv(studentColumns(), studentRows()));
    QJsonObject o;
    o.insert(u"format", QString::fromLatin1(kFormat));
    o.insert(u"version", 1);
    o.insert(u"school", school);
    o.insert(u"domain", domain);
    o.insert(u"database", database);
    o.insert(u"takenAt", takenAt);
    o.insert(u"teachers", qint64(teachers.size()));
    o.insert(u"classrooms", qint64(classrooms.size()));
    o.insert(u"students", qint64(students.size()));
    writePrivateFile(dir.filePath(QString::fromLatin1(kManifest)), QJsonDocument(o).toJson());
}

bool RosterSnapshot::looksLikeSnapshot(const QString &dirPath)
{
    const QDir dir(dirPath);
    for (const char *f : {kManifest, "teachers.csv", "classrooms.csv", "students.csv"})
        if (!QFileInfo::exists(dir.filePath(QString::fromLatin1(f))))
            return false;
    return true;
}

RosterSnapshot RosterSnapshot::read(const QString &dirPath)
{
    RosterSnapshot s;
    const QString manifest = QDir(dirPath).filePath(QString::fromLatin1(kManifest));
    QFile m(manifest);
    if (!m.open(QIODevice::ReadOnly))
        throw SourceError(manifest, tr("%1 is not a roster snapshot: %2 cannot be read.").arg(dirPath, manifest));
    const QJsonObject o = QJsonDocument::fromJson(m.read(1 << 20)).object();
    if (o.value(u"format").toString() != QLatin1String(kFormat))
        throw SourceError(manifest, tr("%1 is not a roster snapshot written by tracktally-recovery.").arg(manifest));
    s.school = o.value(u"school").toString();
    s.domain = o.value(u"domain").toString();
    s.database = o.value(u"database").toString();
    s.takenAt = o.value(u"takenAt").toString();

    QSet<QString> seen;
    const Table teachers = readTable(dirPath, u"teachers.csv"_s, teacherColumns());
    for (const auto &[row, v] : teachers.rows) {
        SnapshotTeacher t;
        t.email = requiredKey(teachers, row, v, u"email"_s, seen).toCaseFolded();
        t.displayName = v.value(u"displayName"_s);
        t.role = v.value(u"role"_s).trimmed().isEmpty() ? u"teacher"_s : v.value(u"role"_s).trimmed();
        t.isSpecialist = boolValue(teachers, row, v, u"isSpecialist"_s, false);
        t.active = boolValue(teachers, row, v, u"active"_s, true);
        s.teachers.push_back(t);
    }
    seen.clear();
    const Table classrooms = readTable(dirPath, u"classrooms.csv"_s, classroomColumns());
    for (const auto &[row, v] : classrooms.rows) {
        SnapshotClassroom c;
        c.code = requiredKey(classrooms, row, v, u"code"_s, seen);
        c.name = v.value(u"name"_s);
        c.archived = boolValue(classrooms, row, v, u"archived"_s, false);
        c.homeroomTeacherEmail = v.value(u"homeroomTeacherEmail"_s).trimmed().toCaseFolded();
        for (const QString &e : v.value(u"specialistEmails"_s).split(u';', Qt::SkipEmptyParts))
            if (!e.trimmed().isEmpty())
                c.specialistEmails << e.trimmed().toCaseFolded();
        s.classrooms.push_back(c);
    }
    seen.clear();
    const Table students = readTable(dirPath, u"students.csv"_s, studentColumns());
    for (const auto &[row, v] : students.rows) {
        SnapshotStudent st;
        st.studentId = requiredKey(students, row, v, u"studentId"_s, seen);
        st.firstName = v.value(u"firstName"_s);
        st.lastName = v.value(u"lastName"_s);
        st.classCode = v.value(u"classCode"_s).trimmed();
        st.guardians = v.value(u"guardians"_s);
        st.notes = v.value(u"notes"_s);
        st.active = boolValue(students, row, v, u"active"_s, true);
        s.students.push_back(st);
    }
    return s;
}

std::vector<RosterEntry> RosterSnapshot::rosterEntries() const
{
    std::vector<RosterEntry> out;
    qint64 row = 1;
    for (const SnapshotStudent &s : students)
        out.push_back(RosterEntry{s.studentId, s.firstName, s.lastName, s.guardians, s.classCode, s.notes, ++row});
    return out;
}

std::vector<StaffEntry> RosterSnapshot::staffEntries() const
{
    std::vector<StaffEntry> out;
    qint64 row = 1;
    for (const SnapshotTeacher &t : teachers)
        out.push_back(StaffEntry{t.email, t.displayName, t.role, t.role, ++row});
    return out;
}

void RosterSnapshot::decide(RosterDecisions &d) const
{
    for (const SnapshotTeacher &t : teachers) {
        d.setTeacherDisplayName(t.email, t.displayName);
        d.setTeacherRole(t.email, t.role);
        d.setTeacherSpecialist(t.email, t.isSpecialist);
    }
    for (const SnapshotClassroom &c : classrooms) {
        d.setClassroomName(c.code, c.name);
        d.setHomeroom(c.code, c.homeroomTeacherEmail);
        d.setClassSpecialists(c.code, c.specialistEmails);
    }
    for (const SnapshotStudent &s : students) {
        d.setStudentName(s.studentId, s.firstName, s.lastName);
        d.setStudentClass(s.studentId, s.classCode);
        d.setStudentGuardians(s.studentId, s.guardians);
        d.setStudentNotes(s.studentId, s.notes);
    }
}

QStringList RosterSnapshot::subjects() const
{
    QStringList out;
    for (const SnapshotTeacher &t : teachers)
        out << t.email.toCaseFolded();
    for (const SnapshotClassroom &c : classrooms)
        out << c.code.toCaseFolded();
    for (const SnapshotStudent &s : students)
        out << s.studentId.trimmed().toCaseFolded();
    return out;
}

void settleBySnapshot(Roster &roster, const QStringList &subjects)
{
    const QSet<QString> known(subjects.cbegin(), subjects.cend());
    for (Conflict &c : roster.conflicts) {
        if (!c.needsDecision)
            continue;
        const QStringList parts = c.subject.split(u" / "_s, Qt::SkipEmptyParts);
        const bool stated = !parts.isEmpty() && std::all_of(parts.cbegin(), parts.cend(), [&](const QString &p) {
            return known.contains(p.trimmed().toCaseFolded());
        });
        if (stated) {
            c.needsDecision = false;
            c.settledBy = u"rosterSnapshot"_s;
        }
    }
}

} // namespace tt
