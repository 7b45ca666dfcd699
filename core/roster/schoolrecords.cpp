#include "schoolrecords.h"

#include "common/errors.h"
#include "namesplitter.h"
#include "sheets/csvreader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::SchoolRecords", text);
}

struct Column
{
    int index = -1;
    bool found() const { return index >= 0; }
};

int findColumn(const QStringList &keys, std::initializer_list<const char16_t *> aliases)
{
    for (const char16_t *alias : aliases) {
        const QString a = QString::fromUtf16(alias);
        const int i = int(keys.indexOf(a));
        if (i >= 0)
            return i;
    }
    return -1;
}

QString cellText(const SheetRow &row, int column)
{
    if (column < 0 || column >= int(row.cells.size()))
        return {};
    return row.cells[size_t(column)].text.trimmed();
}

// Reads the file, calls header() with the first non-blank row (trimmed cells), then rows() with every later non-blank row.
template<typename HeaderFn, typename RowFn>
void readTable(const QString &path, HeaderFn header, RowFn rows)
{
    if (!QFileInfo::exists(path))
        throw SourceError(path, tr("%1 does not exist.").arg(QFileInfo(path).fileName()));
    CsvReader reader(path);
    bool haveHeader = false;
    reader.read([&](SheetRow &row) {
        if (row.isBlank())
            return true;
        if (!haveHeader) {
            QStringList headers;
            headers.reserve(qsizetype(row.cells.size()));
            for (const Cell &c : row.cells)
                headers.append(c.text.trimmed());
            header(headers, row.number);
            haveHeader = true;
            return true;
        }
        rows(row);
        return true;
    });
    if (!haveHeader)
        throw SourceError(path, tr("%1 is empty: it has no header row and no rows.").arg(QFileInfo(path).fileName()));
}

} // namespace

QString headerKey(const QString &header)
{
    QString out;
    out.reserve(header.size());
    for (const QChar c : header) {
        if (c.isLetterOrNumber())
            out += c.toLower();
    }
    return out;
}

QStringList SchoolListColumns::fieldKeys(Kind kind)
{
    if (kind == Roster)
        return {u"studentId"_s, u"firstName"_s, u"lastName"_s, u"fullName"_s, u"class"_s, u"notes"_s};
    return {u"email"_s, u"name"_s, u"firstName"_s, u"lastName"_s, u"role"_s};
}

QString SchoolListColumns::fieldTitle(const QString &key)
{
    static const QHash<QString, const char *> titles = {
        {u"studentId"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Student ID")},
        {u"firstName"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "First name")},
        {u"lastName"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Surname")},
        {u"fullName"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Full name (when no first name and surname)")},
        {u"class"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Class")},
        {u"notes"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Notes")},
        {u"email"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "E-mail address")},
        {u"name"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Display name")},
        {u"role"_s, QT_TRANSLATE_NOOP("tt::SchoolRecords", "Role or position")},
    };
    const char *t = titles.value(key);
    return t ? tr(t) : key;
}

void SchoolListColumns::setColumn(const QString &field, int column)
{
    if (column < 0)
        fields.remove(field);
    else
        fields.insert(field, column);
}

QString SchoolListColumns::problem() const
{
    if (kind == Roster) {
        if (column(u"studentId"_s) < 0)
            return tr("Choose the column that holds the student ID.");
        if (column(u"lastName"_s) < 0 && column(u"fullName"_s) < 0)
            return tr("Choose the surname column (with the first name column), or the full name column.");
    } else if (column(u"email"_s) < 0) {
        return tr("Choose the column that holds the e-mail address.");
    }
    QHash<int, QString> used;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (used.contains(it.value()))
            return tr("Column %1 is chosen for both %2 and %3.")
                .arg(headers.value(it.value()), fieldTitle(used.value(it.value())), fieldTitle(it.key()));
        used.insert(it.value(), it.key());
    }
    return {};
}

SchoolListColumns SchoolListColumns::detect(Kind kind, const QStringList &headers)
{
    SchoolListColumns c;
    c.kind = kind;
    c.headers = headers;
    QStringList keys;
    for (const QString &h : headers)
        keys.append(headerKey(h));
    if (kind == Roster) {
        c.setColumn(u"studentId"_s, findColumn(keys, {u"studentid", u"studentnumber", u"studentno", u"studentnum",
                                                      u"studentcode", u"idnumber", u"id", u"sid", u"localid",
                                                      u"student"}));
        c.setColumn(u"firstName"_s, findColumn(keys, {u"firstname", u"givenname", u"givennames", u"first", u"given",
                                                      u"forename", u"firstnames", u"preferredname",
                                                      u"preferredfirstname"}));
        c.setColumn(u"lastName"_s, findColumn(keys, {u"surname", u"lastname", u"familyname", u"last", u"family",
                                                     u"studentsurname"}));
        c.setColumn(u"fullName"_s, findColumn(keys, {u"name", u"studentname", u"fullname", u"displayname"}));
        c.setColumn(u"class"_s, findColumn(keys, {u"homegroup", u"class", u"homeroom", u"classcode", u"form",
                                                  u"rollclass", u"rollgroup", u"classroom", u"homeform", u"group",
                                                  u"homeroomclass"}));
        c.setColumn(u"notes"_s, findColumn(keys, {u"notes", u"note", u"comments", u"comment"}));
        for (int i = 0; i < int(keys.size()); ++i) {
            const QString &k = keys.at(i);
            if (k.startsWith(u"guardian"_s) || k.startsWith(u"parent"_s) || k.startsWith(u"caregiver"_s)
                || k == u"contactemail"_s || k == u"familyemail"_s)
                c.guardians.append(i);
        }
    } else {
        c.setColumn(u"email"_s, findColumn(keys, {u"email", u"emailaddress", u"staffemail", u"workemail", u"mail",
                                                  u"schoolemail", u"login", u"username"}));
        c.setColumn(u"name"_s, findColumn(keys, {u"name", u"displayname", u"fullname", u"staffname", u"teachername",
                                                 u"teacher"}));
        c.setColumn(u"firstName"_s, findColumn(keys, {u"firstname", u"givenname", u"first", u"preferredname"}));
        c.setColumn(u"lastName"_s, findColumn(keys, {u"surname", u"lastname", u"familyname", u"last"}));
        c.setColumn(u"role"_s, findColumn(keys, {u"role", u"position", u"title", u"jobtitle", u"type", u"stafftype"}));
    }
    return c;
}

SchoolListColumns detectSchoolListColumns(const QString &path, SchoolListColumns::Kind kind)
{
    if (!QFileInfo::exists(path))
        throw SourceError(path, tr("%1 does not exist.").arg(QFileInfo(path).fileName()));
    CsvReader reader(path);
    SchoolListColumns c;
    bool haveHeader = false;
    reader.read([&](SheetRow &row) {
        if (row.isBlank())
            return true;
        if (!haveHeader) {
            QStringList headers;
            for (const Cell &cell : row.cells)
                headers.append(cell.text.trimmed());
            c = SchoolListColumns::detect(kind, headers);
            c.headerRow = row.number;
            haveHeader = true;
            return true;
        }
        c.preview.push_back(row);
        return c.preview.size() < 8;
    });
    if (!haveHeader)
        throw SourceError(path, tr("%1 is empty: it has no header row and no rows.").arg(QFileInfo(path).fileName()));
    return c;
}

QString staffRoleFromText(const QString &text)
{
    const QString key = headerKey(text);
    if (key.isEmpty())
        return u"teacher"_s;
    static const QStringList adminWords = {u"admin"_s, u"administrator"_s, u"administration"_s,
                                           u"schooladmin"_s, u"headteacher"_s, u"head"_s};
    if (adminWords.contains(key) || key.endsWith(u"principal"_s))
        return u"admin"_s;
    return u"teacher"_s;
}

namespace {

// The columns to read: the administrator's choice, which must have been made on this very header, or the
// ones detected from it.
SchoolListColumns columnsFor(SchoolListColumns::Kind kind, const QStringList &headers, const SchoolListColumns *chosen,
                             const QString &path, qint64 rowNumber)
{
    if (!chosen)
        return SchoolListColumns::detect(kind, headers);
    if (chosen->headers != headers)
        throw SourceError(path, tr("%1 row %2: the header is not the one the columns were chosen for; the file "
                                   "changed. Import it again.")
                                    .arg(QFileInfo(path).fileName())
                                    .arg(rowNumber));
    return *chosen;
}

} // namespace

std::vector<RosterEntry> readRosterCsv(const QString &path, QStringList *warnings, const SchoolListColumns *columns)
{
    const QString file = QFileInfo(path).fileName();
    int colId = -1, colFirst = -1, colLast = -1, colFull = -1, colClass = -1, colNotes = -1;
    QList<int> colGuardians;
    std::vector<RosterEntry> out;
    QSet<QString> seen;
    auto warn = [&](const QString &w) {
        if (warnings)
            warnings->append(w);
    };
    readTable(
        path,
        [&](const QStringList &headers, qint64 rowNumber) {
            const SchoolListColumns c = columnsFor(SchoolListColumns::Roster, headers, columns, path, rowNumber);
            colId = c.column(u"studentId"_s);
            colFirst = c.column(u"firstName"_s);
            colLast = c.column(u"lastName"_s);
            colFull = c.column(u"fullName"_s);
            colClass = c.column(u"class"_s);
            colNotes = c.column(u"notes"_s);
            colGuardians = c.guardians;
            if (colId < 0)
                throw SourceError(path, tr("%1 row %2: no student id column was found (expected a header such as "
                                           "\"Student ID\").")
                                            .arg(file)
                                            .arg(rowNumber));
            if (colLast < 0 && colFull < 0)
                throw SourceError(path, tr("%1 row %2: no name columns were found (expected \"Surname\" and "
                                           "\"First Name\", or \"Name\").")
                                            .arg(file)
                                            .arg(rowNumber));
        },
        [&](const SheetRow &row) {
            RosterEntry e;
            e.row = row.number;
            e.studentId = cellText(row, colId);
            if (e.studentId.isEmpty()) {
                warn(tr("%1 row %2: no student id; the row was skipped.").arg(file).arg(row.number));
                return;
            }
            if (seen.contains(e.studentId)) {
                warn(tr("%1 row %2: student id %3 appears again; the later row was skipped.")
                         .arg(file)
                         .arg(row.number)
                         .arg(e.studentId));
                return;
            }
            seen.insert(e.studentId);
            if (colLast >= 0) {
                e.lastName = cellText(row, colLast).simplified();
                e.firstName = cellText(row, colFirst).simplified();
            }
            if (e.lastName.isEmpty() && e.firstName.isEmpty() && colFull >= 0) {
                const NameParts parts = splitStudentName(cellText(row, colFull));
                e.firstName = parts.first;
                e.lastName = parts.last;
            }
            QStringList guardians;
            for (int c : colGuardians) {
                const QString g = cellText(row, c);
                if (!g.isEmpty())
                    guardians.append(g);
            }
            e.guardians = guardians.join(u"; "_s);
            e.classCode = cellText(row, colClass);
            e.notes = cellText(row, colNotes);
            out.push_back(std::move(e));
        });
    return out;
}

std::vector<StaffEntry> readStaffCsv(const QString &path, QStringList *warnings, const SchoolListColumns *columns)
{
    const QString file = QFileInfo(path).fileName();
    int colEmail = -1, colName = -1, colFirst = -1, colLast = -1, colRole = -1;
    std::vector<StaffEntry> out;
    QSet<QString> seen;
    auto warn = [&](const QString &w) {
        if (warnings)
            warnings->append(w);
    };
    readTable(
        path,
        [&](const QStringList &headers, qint64 rowNumber) {
            const SchoolListColumns c = columnsFor(SchoolListColumns::Staff, headers, columns, path, rowNumber);
            colEmail = c.column(u"email"_s);
            colName = c.column(u"name"_s);
            colFirst = c.column(u"firstName"_s);
            colLast = c.column(u"lastName"_s);
            colRole = c.column(u"role"_s);
            if (colEmail < 0)
                throw SourceError(path, tr("%1 row %2: no email column was found (expected a header such as "
                                           "\"Email\").")
                                            .arg(file)
                                            .arg(rowNumber));
        },
        [&](const SheetRow &row) {
            StaffEntry e;
            e.row = row.number;
            e.email = cellText(row, colEmail).toLower();
            if (e.email.isEmpty() || !e.email.contains(u'@')) {
                warn(tr("%1 row %2: '%3' is not an email address; the row was skipped.")
                         .arg(file)
                         .arg(row.number)
                         .arg(e.email));
                return;
            }
            if (seen.contains(e.email)) {
                warn(tr("%1 row %2: %3 appears again; the later row was skipped.").arg(file).arg(row.number).arg(e.email));
                return;
            }
            seen.insert(e.email);
            e.displayName = cellText(row, colName).simplified();
            if (e.displayName.isEmpty() && (colFirst >= 0 || colLast >= 0))
                e.displayName = (cellText(row, colFirst) + u' ' + cellText(row, colLast)).simplified();
            e.roleText = cellText(row, colRole);
            e.role = staffRoleFromText(e.roleText);
            out.push_back(std::move(e));
        });
    return out;
}

} // namespace tt
