// The JSON report written straight to text: the same bytes as buildJsonReport(...).dump(2) (keys in the order
// nlohmann's std::map sorts them, two-space indentation, its string escaping), without building a document of
// every duplicate, quarantined row and student first (tests/roster/tst_rostercache and tst_reports compare both).
#include "jsonreport.h"

#include "project/dismissals.h"
#include "project/project.h"
#include "roster/roster.h"
#include "roster/rostercache.h"

#include <QDateTime>
#include <charconv>

namespace tt {
namespace {

class Out
{
public:
    Out() { m_s.reserve(1 << 20); }
    std::string take() { return std::move(m_s); }

    // `{` or `[`: the container's first item follows on a new line, one level deeper.
    void open(char c)
    {
        m_s += c;
        ++m_depth;
        m_first = true;
    }
    void close(char c)
    {
        --m_depth;
        if (!m_first) { // not empty: its own line
            m_s += '\n';
            indent();
        } else {
            m_first = false;
        }
        m_s += c;
    }
    void key(const char *k) // keys are ASCII without characters to escape
    {
        item();
        m_s += '"';
        m_s += k;
        m_s += "\": ";
    }
    void item() // before a value in an array or a key in an object
    {
        m_s += m_first ? "\n" : ",\n";
        m_first = false;
        indent();
    }
    void str(const QString &v) { strUtf8(v.toUtf8()); }
    void strUtf8(QByteArrayView utf8)
    {
        m_s += '"';
        for (const char ch : utf8) {
            const auto c = static_cast<unsigned char>(ch);
            switch (c) {
            case '"': m_s += "\\\""; break;
            case '\\': m_s += "\\\\"; break;
            case '\b': m_s += "\\b"; break;
            case '\f': m_s += "\\f"; break;
            case '\n': m_s += "\\n"; break;
            case '\r': m_s += "\\r"; break;
            case '\t': m_s += "\\t"; break;
            default:
                if (c < 0x20) {
                    static const char hex[] = "0123456789abcdef";
                    m_s += "\\u00";
                    m_s += hex[c >> 4];
                    m_s += hex[c & 15];
                } else {
                    m_s += char(c);
                }
            }
        }
        m_s += '"';
    }
    void strOrNull(const QString &v) { v.isEmpty() ? raw("null") : str(v); }
    void num(qint64 v)
    {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        m_s.append(buf, size_t(r.ptr - buf));
    }
    void boolean(bool v) { raw(v ? "true" : "false"); }
    void raw(std::string_view text) { m_s += text; }
    // A value nlohmann writes itself (indented by two, at this depth).
    void json(const nlohmann::json &v)
    {
        const std::string text = v.dump(2);
        const std::string pad = "\n" + std::string(size_t(2 * m_depth), ' ');
        for (const char c : text) {
            if (c == '\n')
                m_s += pad;
            else
                m_s += c;
        }
    }
    void strings(const QStringList &l)
    {
        open('[');
        for (const QString &e : l)
            item(), str(e);
        close(']');
    }

private:
    void indent() { m_s.append(size_t(2 * m_depth), ' '); }
    std::string m_s;
    int m_depth = 0;
    bool m_first = false;
};

void counts(Out &o, const RowCounts &c, const qint64 *dismissed = nullptr)
{
    o.open('{');
    o.key("accepted"), o.num(c.accepted);
    o.key("blank"), o.num(c.blank);
    if (dismissed)
        o.key("dismissed"), o.num(*dismissed);
    o.key("duplicatesConflicting"), o.num(c.duplicatesConflicting);
    o.key("duplicatesIdentical"), o.num(c.duplicatesIdentical);
    o.key("headerRows"), o.num(c.headerRows);
    o.key("quarantined"), o.num(c.quarantined);
    o.key("read"), o.num(c.read);
    o.close('}');
}

void sources(Out &o, const Project &project, const RecordSummary &summary)
{
    o.open('[');
    for (size_t i = 0; i < project.sources().size(); ++i) {
        const SourceInfo &src = project.sources()[i];
        o.item(), o.open('{');
        o.key("dateOrder"), o.str(dateOrderKey(src.dateOrderUsed));
        o.key("hasHeader"), o.boolean(src.mapping.hasHeader());
        o.key("kind"), o.str(src.kind);
        o.key("name"), o.str(src.displayName());
        o.key("notes"), o.strings(src.notes);
        o.key("rows"), counts(o, summary.sources.at(i));
        o.key("sha256"), o.str(src.sha256);
        o.key("sheet"), o.str(src.sheet);
        o.key("type"), o.str(recordTypeKey(src.type));
        o.close('}');
    }
    o.close(']');
}

// Rows are named by their source's display name (UTF-8, by source index).
QByteArray source(const std::vector<QByteArray> &names, int index)
{
    return index >= 0 && size_t(index) < names.size() ? names[size_t(index)] : QByteArray();
}

void duplicates(Out &o, const RecordSummary &summary, const std::vector<QByteArray> &names)
{
    o.open('[');
    for (const RecordSummary::Duplicate &g : summary.duplicates) {
        o.item(), o.open('{');
        o.key("chosen"), o.open('{'), o.key("row"), o.num(g.chosen.row), o.key("source"), o.strUtf8(source(names, g.chosen.sourceIndex));
        o.close('}');
        o.key("chosenBy"), o.raw(g.chosenByUser ? "\"administrator\"" : "\"default (the later row)\"");
        o.key("conflicting"), o.boolean(g.conflicting);
        o.key("rows"), o.open('[');
        for (const RecordKey &m : g.rows) {
            o.item(), o.open('{'), o.key("row"), o.num(m.row), o.key("source"), o.strUtf8(source(names, m.sourceIndex));
            o.close('}');
        }
        o.close(']');
        o.key("uuid"), o.str(g.uuid);
        o.close('}');
    }
    o.close(']');
}

void quarantine(Out &o, const Project &project, const std::vector<QByteArray> &names)
{
    const QHash<QString, QString> dismissals = dismissalReasons(project);
    o.open('[');
    for (const QuarantinedRow &q : project.quarantine()) {
        o.item(), o.open('{');
        o.key("dismissed"), o.strOrNull(dismissals.isEmpty() ? QString() : dismissals.value(dismissalKey(project, q)));
        o.key("field"), o.str(q.field);
        o.key("reason"), o.str(q.reason);
        o.key("row"), o.num(q.row);
        o.key("source"), o.strUtf8(source(names, q.sourceIndex));
        o.close('}');
    }
    o.close(']');
}

void warnings(Out &o, const Project &project, const std::vector<QByteArray> &names)
{
    o.open('[');
    for (const RowWarning &w : project.warnings()) {
        o.item(), o.open('{');
        o.key("field"), o.str(w.field);
        o.key("message"), o.str(w.message);
        o.key("row"), o.num(w.row);
        o.key("source"), o.strUtf8(source(names, w.sourceIndex));
        o.close('}');
    }
    o.close(']');
}

void isoOrNull(Out &o, qint64 ms)
{
    if (ms == 0)
        o.raw("null");
    else
        o.strUtf8(isoDateTimeMs(ms));
}

void teachers(Out &o, const Roster &roster)
{
    o.open('[');
    for (const TeacherDraft &t : roster.teachers) {
        o.item(), o.open('{');
        o.key("classes"), o.strings(t.classes);
        o.key("commendations"), o.num(t.commendations);
        o.key("displayName"), o.strOrNull(t.displayName);
        o.key("email"), o.str(t.email);
        o.key("incidents"), o.num(t.incidents);
        o.key("isSpecialist"), o.boolean(t.isSpecialist);
        o.key("role"), o.str(t.role);
        o.close('}');
    }
    o.close(']');
}

void classrooms(Out &o, const Roster &roster)
{
    o.open('[');
    for (const ClassroomDraft &c : roster.classrooms) {
        o.item(), o.open('{');
        o.key("code"), o.str(c.code);
        o.key("homeroomTeacherEmail"), o.strOrNull(c.homeroomTeacherEmail);
        o.key("name"), o.str(c.name);
        o.key("specialistEmails"), o.strings(c.specialistEmails);
        o.key("students"), o.num(c.students);
        o.close('}');
    }
    o.close(']');
}

void students(Out &o, const Roster &roster)
{
    o.open('[');
    for (const StudentDraft &st : roster.students) {
        o.item(), o.open('{');
        o.key("classCode"), o.strOrNull(st.classCode);
        o.key("classHistory"), o.open('[');
        for (const ClassStint &h : st.classHistory) {
            o.item(), o.open('{');
            o.key("classCode"), o.str(h.classCode);
            o.key("from"), isoOrNull(o, h.firstMs);
            o.key("logs"), o.num(h.logs);
            o.key("to"), isoOrNull(o, h.lastMs);
            o.close('}');
        }
        o.close(']');
        o.key("firstName"), o.str(st.firstName);
        o.key("guardians"), o.strOrNull(st.guardians);
        o.key("lastName"), o.str(st.lastName);
        o.key("nameVariants"), o.strings(st.nameVariants);
        o.key("notes"), o.strOrNull(st.notes);
        o.key("studentId"), o.str(st.studentId);
        o.close('}');
    }
    o.close(']');
}

void conflicts(Out &o, const Roster &roster)
{
    o.open('[');
    for (const Conflict &c : roster.conflicts) {
        o.item(), o.open('{');
        o.key("detail"), o.str(c.detail);
        o.key("kind"), o.str(c.kind);
        o.key("needsDecision"), o.boolean(c.needsDecision);
        o.key("settledBy"), o.strOrNull(c.settledBy);
        o.key("subject"), o.str(c.subject);
        o.close('}');
    }
    o.close(']');
}

// Days since 1970-01-01 -> civil date (proleptic Gregorian), as in H. Hinnant's chrono date algorithms.
void civil(qint64 days, int &y, int &m, int &d)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 doe = days - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

} // namespace

QByteArray isoDateTimeMs(qint64 ms)
{
    constexpr qint64 kYear10000 = 253402300800000; // 10000-01-01T00:00:00Z
    if (ms < 0 || ms >= kYear10000)
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
    int y = 0, mo = 0, d = 0;
    civil(ms / 86400000, y, mo, d);
    const qint64 inDay = ms % 86400000;
    const int h = int(inDay / 3600000), mi = int(inDay / 60000 % 60), s = int(inDay / 1000 % 60), z = int(inDay % 1000);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, z);
    return QByteArray(buf, n);
}

QByteArray jsonReportText(const Project &project, const Roster &roster)
{
    const RecordSummary summary = projectRecordSummary(project);
    std::vector<QByteArray> names;
    for (const SourceInfo &src : project.sources())
        names.push_back(src.displayName().toUtf8());
    const SchoolInfo &school = project.school();
    const nlohmann::json *applied = project.section("applied");
    const qint64 dismissed = dismissedCount(project);
    Out o;
    o.open('{');
    o.key("applied"), o.json(applied && applied->is_array() ? *applied : nlohmann::json::array());
    o.key("classrooms"), classrooms(o, roster);
    o.key("conflicts"), conflicts(o, roster);
    o.key("duplicates"), duplicates(o, summary, names);
    o.key("format"), o.raw("\"tracktally-recovery-report\"");
    o.key("incidents"), o.open('{'), o.key("commendation"), o.num(summary.commendations), o.key("incident");
    o.num(summary.incidents), o.close('}');
    o.key("links"), o.open('{'), o.key("classroom"), o.num(roster.summary.classroom), o.key("student");
    o.num(roster.summary.student), o.key("teacher"), o.num(roster.summary.teacher), o.key("total");
    o.num(roster.summary.total), o.close('}');
    o.key("quarantine"), quarantine(o, project, names);
    o.key("rows"), counts(o, summary.total, &dismissed);
    o.key("school"), o.open('{'), o.key("domain"), o.str(school.domain), o.key("name"), o.str(school.name);
    o.key("timeZone"), o.str(school.timeZone), o.close('}');
    o.key("sources"), sources(o, project, summary);
    o.key("students"), students(o, roster);
    o.key("teachers"), teachers(o, roster);
    o.key("version"), o.num(1);
    o.key("warnings"), warnings(o, project, names);
    o.close('}');
    o.raw("\n");
    return QByteArray::fromStdString(o.take());
}

} // namespace tt
