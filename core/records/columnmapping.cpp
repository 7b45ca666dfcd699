#include "columnmapping.h"

#include "common/jsonnumber.h"

#include <QCoreApplication>
#include <QHash>
#include <nlohmann/json.hpp>

namespace tt {
namespace {

// Normalised header text -> field. Every alias is already normalised (lower case, letters and digits only).
const QHash<QString, Field> &aliases()
{
    static const QHash<QString, Field> table = [] {
        QHash<QString, Field> t;
        auto add = [&t](Field f, std::initializer_list<const char *> names) {
            for (const char *n : names)
                t.insert(QString::fromLatin1(n), f);
        };
        add(Field::Timestamp, {"timestamp", "time", "datetime", "date", "loggedat", "createdat", "when", "datetimeutc"});
        add(Field::StudentId, {"studentid", "studentnumber", "studentno", "studentnum", "sid", "studentcode"});
        add(Field::StudentName, {"studentname", "student", "name", "studentfullname", "fullname"});
        add(Field::Level, {"level", "severity", "incidentlevel"});
        add(Field::Category, {"category", "behaviour", "behavior", "behaviourcategory", "behaviorcategory"});
        add(Field::Location, {"location", "where", "place"});
        add(Field::ActionTaken, {"actiontaken", "action", "response", "actions"});
        add(Field::Note, {"note", "notes", "comment", "comments", "details", "description"});
        add(Field::TeacherEmail, {"teacheremail", "teacher", "email", "staffemail", "loggedby", "reportedby", "teacheremailaddress"});
        add(Field::ClassCode, {"classcode", "class", "classroom", "homegroup", "classroomcode"});
        add(Field::Device, {"device", "useragent", "browser"});
        add(Field::Uuid, {"uuid", "id", "logid", "guid", "incidentid", "recordid"});
        return t;
    }();
    return table;
}

bool looksLikeIsoTimestamp(QStringView s)
{
    // "2025-11-03T..." or a d/m/y date: a header cell never starts with a digit.
    return !s.isEmpty() && s.at(0).isDigit();
}

} // namespace

QString ColumnMapping::normaliseHeader(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (c.isLetterOrNumber())
            out.append(c.toLower());
    }
    return out;
}

QString columnLetter(int column)
{
    if (column < 0)
        return QStringLiteral("-");
    QString s;
    int n = column + 1;
    while (n > 0) {
        int r = (n - 1) % 26;
        s.prepend(QChar(u'A' + r));
        n = (n - 1) / 26;
    }
    return s;
}

ColumnMapping ColumnMapping::positional()
{
    ColumnMapping m;
    for (int i = 0; i < FieldCount; ++i)
        m.m_columns[size_t(i)] = i;
    return m;
}

int ColumnMapping::headerMatches(const SheetRow &row)
{
    int matches = 0;
    for (const Cell &c : row.cells) {
        if (c.kind != Cell::Kind::Text)
            continue;
        if (aliases().contains(normaliseHeader(c.text)))
            ++matches;
    }
    return matches;
}

bool ColumnMapping::looksLikeHeader(const SheetRow &row)
{
    if (row.cells.empty())
        return false;
    const Cell &first = row.cells.front();
    if (first.kind == Cell::Kind::DateTime || first.kind == Cell::Kind::Number)
        return false;
    if (first.kind == Cell::Kind::Text && looksLikeIsoTimestamp(QStringView(first.text).trimmed()))
        return false;
    return headerMatches(row) >= 3;
}

ColumnMapping ColumnMapping::detect(const SheetRow &firstRow)
{
    if (!looksLikeHeader(firstRow))
        return positional();
    ColumnMapping m;
    m.m_columns.fill(-1);
    m.m_hasHeader = true;
    // Exact field keys win over looser aliases ("id" is a uuid alias, but "studentId" is exact).
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t col = 0; col < firstRow.cells.size(); ++col) {
            const Cell &c = firstRow.cells[col];
            if (c.kind != Cell::Kind::Text)
                continue;
            const QString norm = normaliseHeader(c.text);
            auto it = aliases().constFind(norm);
            if (it == aliases().constEnd())
                continue;
            const Field f = it.value();
            const bool exact = normaliseHeader(fieldKey(f)) == norm;
            if ((pass == 0) != exact)
                continue;
            if (m.m_columns[size_t(f)] >= 0)
                continue; // first column with that name wins; the rest are extra columns
            bool taken = false;
            for (int other : m.m_columns)
                taken = taken || other == int(col);
            if (!taken)
                m.m_columns[size_t(f)] = int(col);
        }
    }
    for (const Cell &c : firstRow.cells)
        m.m_headerTexts << c.text;
    return m;
}

QStringList ColumnMapping::problems() const
{
    QStringList out;
    for (Field a : allFields()) {
        const int col = column(a);
        if (col < 0) {
            if (isRequiredField(a))
                out << QCoreApplication::translate("tt::ColumnMapping", "No column is chosen for %1.").arg(fieldTitle(a));
            continue;
        }
        for (Field b : allFields()) {
            if (int(b) <= int(a) || column(b) != col)
                continue;
            out << QCoreApplication::translate("tt::ColumnMapping", "Column %1 is chosen for both %2 and %3.")
                       .arg(columnLetter(col), fieldTitle(a), fieldTitle(b));
        }
    }
    return out;
}

QList<Field> ColumnMapping::unmapped() const
{
    QList<Field> out;
    for (Field f : allFields())
        if (column(f) < 0)
            out << f;
    return out;
}

nlohmann::json ColumnMapping::toJson() const
{
    nlohmann::json cols = nlohmann::json::object();
    for (Field f : allFields())
        cols[fieldKey(f).toStdString()] = column(f);
    nlohmann::json headers = nlohmann::json::array();
    for (const QString &h : m_headerTexts)
        headers.push_back(h.toStdString());
    return {{"hasHeader", m_hasHeader}, {"columns", cols}, {"headerTexts", headers}};
}

ColumnMapping ColumnMapping::fromJson(const nlohmann::json &j)
{
    ColumnMapping m = positional();
    m.m_hasHeader = j.value("hasHeader", false);
    if (j.contains("columns") && j["columns"].is_object()) {
        for (Field f : allFields()) {
            const std::string key = fieldKey(f).toStdString();
            // -1: not mapped; a sheet has 16,384 columns (A to XFD).
            m.m_columns[size_t(f)] = jsonWholeAt<int>(j["columns"], key.c_str(), -1, -1, 16383);
        }
    }
    if (j.contains("headerTexts"))
        for (const auto &h : j["headerTexts"])
            m.m_headerTexts << QString::fromStdString(h.get<std::string>());
    return m;
}

} // namespace tt
