#include "rostercache.h"

#include "project/project.h"
#include "roster/rosterdecisions.h"
#include "roster/rosterproject.h"

#include <QCryptographicHash>
#include <QHash>
#include <QList>
#include <nlohmann/json.hpp>
#include <cstring>

namespace tt {
namespace {

constexpr char kMagic[4] = {'T', 'T', 'R', 'C'};
constexpr int kHeader = 8;    // magic, version (little-endian u32)
constexpr int kChecksum = 16; // MD5 of everything before it: a check against damage, not a signature
const char *const kCacheName = "roster";
const char *const kRecordsCacheName = "records";

// A new field in these structs must be encoded below (and RosterCacheVersion bumped): this fails to compile first.
#if Q_PROCESSOR_WORDSIZE == 8 && defined(Q_OS_LINUX)
static_assert(sizeof(TeacherDraft) == 224, "TeacherDraft changed: encode the new field and bump RosterCacheVersion");
static_assert(sizeof(ClassroomDraft) == 200, "ClassroomDraft changed: encode it and bump RosterCacheVersion");
static_assert(sizeof(StudentDraft) == 296, "StudentDraft changed: encode it and bump RosterCacheVersion");
static_assert(sizeof(ClassStint) == 48, "ClassStint changed: encode it and bump RosterCacheVersion");
static_assert(sizeof(Conflict) == 104, "Conflict changed: encode it and bump RosterCacheVersion");
static_assert(sizeof(RecordLink) == 120, "RecordLink changed: encode it and bump RosterCacheVersion");
static_assert(sizeof(Roster) == 160, "Roster changed: encode it and bump RosterCacheVersion");
#endif

class Writer
{
public:
    void u(quint64 v)
    {
        while (v >= 0x80) {
            m_body.append(char(v | 0x80));
            v >>= 7;
        }
        m_body.append(char(v));
    }
    void i(qint64 v) { u((quint64(v) << 1) ^ quint64(v >> 63)); } // zigzag: small negatives stay small
    void b(bool v) { m_body.append(v ? '\1' : '\0'); }
    void s(const QString &v)
    {
        auto it = m_ids.constFind(v);
        if (it == m_ids.constEnd()) {
            it = m_ids.insert(v, quint32(m_strings.size()));
            m_strings.append(v);
        }
        u(*it);
    }
    void list(const QStringList &l)
    {
        u(quint64(l.size()));
        for (const QString &e : l)
            s(e);
    }
    QByteArray finish() const
    {
        QByteArray out;
        out.append(kMagic, 4);
        for (int k = 0; k < 4; ++k)
            out.append(char((RosterCacheVersion >> (8 * k)) & 0xff));
        Writer table;
        table.u(quint64(m_strings.size()));
        for (const QString &str : m_strings) {
            table.u(quint64(str.size()));
            table.m_body.append(reinterpret_cast<const char *>(str.utf16()), str.size() * 2);
        }
        out.append(table.m_body);
        out.append(m_body);
        out.append(QCryptographicHash::hash(out, QCryptographicHash::Md5));
        return out;
    }

private:
    QByteArray m_body;
    QHash<QString, quint32> m_ids;
    QList<QString> m_strings;
};

class Reader
{
public:
    Reader(const char *p, const char *end) : m_p(p), m_end(end) {}
    // Checks the magic, the version and the checksum, and reads the string table; nullopt when any is wrong.
    static std::optional<Reader> open(const QByteArray &bytes)
    {
        if (bytes.size() < kHeader + kChecksum || std::memcmp(bytes.constData(), kMagic, 4) != 0)
            return std::nullopt;
        quint32 version = 0;
        for (int k = 0; k < 4; ++k)
            version |= quint32(quint8(bytes[4 + k])) << (8 * k);
        const QByteArrayView payload(bytes.constData(), bytes.size() - kChecksum);
        if (version != RosterCacheVersion
            || QCryptographicHash::hash(payload, QCryptographicHash::Md5) != bytes.right(kChecksum))
            return std::nullopt;
        Reader r(payload.data() + kHeader, payload.data() + payload.size());
        r.readTable();
        if (!r.ok())
            return std::nullopt;
        return r;
    }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    quint64 u()
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p == m_end)
                return fail();
            const auto c = quint8(*m_p++);
            v |= quint64(c & 0x7f) << shift;
            if (!(c & 0x80))
                return v;
        }
        return fail();
    }
    qint64 i()
    {
        const quint64 z = u();
        return qint64(z >> 1) ^ -qint64(z & 1);
    }
    int n() { return int(i()); }
    bool b() { return u() != 0; }
    // A count of items that take at least one byte each: never more than the bytes left (no huge allocation).
    qsizetype count()
    {
        const quint64 c = u();
        return c <= quint64(m_end - m_p) ? qsizetype(c) : qsizetype(fail());
    }
    void readTable()
    {
        const qsizetype c = count();
        m_strings.reserve(c);
        for (qsizetype k = 0; k < c && m_ok; ++k) {
            const quint64 len = u();
            if (len > quint64(m_end - m_p) / 2) {
                fail();
                break;
            }
            QString str(qsizetype(len), Qt::Uninitialized);
            std::memcpy(str.data(), m_p, len * 2);
            m_p += len * 2;
            m_strings.append(str);
        }
    }
    QString s()
    {
        const quint64 id = u();
        if (id >= quint64(m_strings.size())) {
            fail();
            return {};
        }
        return m_strings.at(qsizetype(id));
    }
    QStringList list()
    {
        QStringList l;
        const qsizetype c = count();
        l.reserve(c);
        for (qsizetype k = 0; k < c && m_ok; ++k)
            l.append(s());
        return l;
    }

private:
    quint64 fail()
    {
        m_ok = false;
        m_p = m_end;
        return 0;
    }
    const char *m_p;
    const char *m_end;
    bool m_ok = true;
    QList<QString> m_strings;
};

void writeTeacher(Writer &w, const TeacherDraft &t)
{
    w.s(t.email), w.s(t.displayName), w.s(t.displayNameSource), w.s(t.role), w.b(t.isSpecialist);
    w.s(t.specialistEvidence), w.b(t.decided), w.i(t.incidents), w.i(t.commendations), w.i(t.firstSeenMs);
    w.i(t.lastSeenMs), w.list(t.classes);
    w.u(quint64(t.locations.size()));
    for (auto it = t.locations.cbegin(); it != t.locations.cend(); ++it)
        w.s(it.key()), w.i(it.value());
    w.s(t.roleSource), w.b(t.fromStaffOnly), w.b(t.inStaffList);
}

TeacherDraft readTeacher(Reader &r)
{
    TeacherDraft t;
    t.email = r.s(), t.displayName = r.s(), t.displayNameSource = r.s(), t.role = r.s(), t.isSpecialist = r.b();
    t.specialistEvidence = r.s(), t.decided = r.b(), t.incidents = r.n(), t.commendations = r.n();
    t.firstSeenMs = r.i(), t.lastSeenMs = r.i(), t.classes = r.list();
    for (qsizetype k = 0, c = r.count(); k < c && r.ok(); ++k) {
        const QString key = r.s();
        t.locations.insert(key, r.n());
    }
    t.roleSource = r.s(), t.fromStaffOnly = r.b(), t.inStaffList = r.b();
    return t;
}

void writeClassroom(Writer &w, const ClassroomDraft &c)
{
    w.s(c.code), w.s(c.name), w.s(c.homeroomTeacherEmail), w.s(c.homeroomEvidence), w.s(c.runnerUpEmail);
    w.i(c.homeroomMargin), w.list(c.specialistEmails), w.i(c.students), w.i(c.logs), w.b(c.decided);
    w.s(c.specialistEvidence), w.b(c.fromRosterOnly);
}

ClassroomDraft readClassroom(Reader &r)
{
    ClassroomDraft c;
    c.code = r.s(), c.name = r.s(), c.homeroomTeacherEmail = r.s(), c.homeroomEvidence = r.s(), c.runnerUpEmail = r.s();
    c.homeroomMargin = r.n(), c.specialistEmails = r.list(), c.students = r.n(), c.logs = r.n(), c.decided = r.b();
    c.specialistEvidence = r.s(), c.fromRosterOnly = r.b();
    return c;
}

void writeStudent(Writer &w, const StudentDraft &s)
{
    w.s(s.studentId), w.s(s.firstName), w.s(s.lastName), w.s(s.classCode), w.s(s.guardians), w.s(s.notes);
    w.list(s.nameVariants);
    w.u(s.classHistory.size());
    for (const ClassStint &h : s.classHistory)
        w.s(h.classCode), w.i(h.firstMs), w.i(h.lastMs), w.i(h.logs);
    w.i(s.logs), w.b(s.fromRosterOnly), w.b(s.decided), w.s(s.nameSource), w.s(s.nameEvidence), w.s(s.classEvidence);
    w.list(s.loggedIds);
}

StudentDraft readStudent(Reader &r)
{
    StudentDraft s;
    s.studentId = r.s(), s.firstName = r.s(), s.lastName = r.s(), s.classCode = r.s(), s.guardians = r.s();
    s.notes = r.s(), s.nameVariants = r.list();
    const qsizetype stints = r.count();
    s.classHistory.reserve(size_t(stints));
    for (qsizetype k = 0; k < stints && r.ok(); ++k) {
        ClassStint h;
        h.classCode = r.s(), h.firstMs = r.i(), h.lastMs = r.i(), h.logs = r.n();
        s.classHistory.push_back(std::move(h));
    }
    s.logs = r.n(), s.fromRosterOnly = r.b(), s.decided = r.b(), s.nameSource = r.s(), s.nameEvidence = r.s();
    s.classEvidence = r.s(), s.loggedIds = r.list();
    return s;
}

template<typename T, typename Read>
void readAll(Reader &r, std::vector<T> &out, Read read)
{
    const qsizetype c = r.count();
    out.reserve(size_t(c));
    for (qsizetype k = 0; k < c && r.ok(); ++k)
        out.push_back(read(r));
}

} // namespace

QByteArray encodeRoster(const Roster &roster)
{
    Writer w;
    w.u(roster.teachers.size());
    for (const TeacherDraft &t : roster.teachers)
        writeTeacher(w, t);
    w.u(roster.classrooms.size());
    for (const ClassroomDraft &c : roster.classrooms)
        writeClassroom(w, c);
    w.u(roster.students.size());
    for (const StudentDraft &s : roster.students)
        writeStudent(w, s);
    w.u(roster.links.size());
    for (const RecordLink &l : roster.links)
        w.s(l.studentId), w.s(l.classCode), w.s(l.teacherEmail), w.s(l.studentReason), w.s(l.classroomReason);
    w.i(roster.summary.total), w.i(roster.summary.student), w.i(roster.summary.classroom), w.i(roster.summary.teacher);
    w.u(roster.conflicts.size());
    for (const Conflict &c : roster.conflicts)
        w.s(c.kind), w.s(c.subject), w.s(c.detail), w.b(c.needsDecision), w.s(c.settledBy);
    w.u(quint64(roster.unlinkedReasons.size()));
    for (auto it = roster.unlinkedReasons.cbegin(); it != roster.unlinkedReasons.cend(); ++it)
        w.s(it.key()), w.i(it.value());
    return w.finish();
}

std::optional<Roster> decodeRoster(const QByteArray &bytes)
{
    std::optional<Reader> opened = Reader::open(bytes);
    if (!opened)
        return std::nullopt;
    Reader &r = *opened;
    Roster out;
    readAll(r, out.teachers, readTeacher);
    readAll(r, out.classrooms, readClassroom);
    readAll(r, out.students, readStudent);
    readAll(r, out.links, [](Reader &rd) {
        RecordLink l;
        l.studentId = rd.s(), l.classCode = rd.s(), l.teacherEmail = rd.s(), l.studentReason = rd.s();
        l.classroomReason = rd.s();
        return l;
    });
    out.summary.total = r.i(), out.summary.student = r.i(), out.summary.classroom = r.i(), out.summary.teacher = r.i();
    readAll(r, out.conflicts, [](Reader &rd) {
        Conflict c;
        c.kind = rd.s(), c.subject = rd.s(), c.detail = rd.s(), c.needsDecision = rd.b(), c.settledBy = rd.s();
        return c;
    });
    for (qsizetype k = 0, c = r.count(); k < c && r.ok(); ++k) {
        const QString key = r.s();
        out.unlinkedReasons.insert(key, r.i());
    }
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return out;
}

QByteArray projectRosterKey(const Project &project, const RosterDecisions &decisions)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    auto field = [&h](const QByteArray &bytes) { // length-prefixed: no two inputs run into each other
        const quint64 n = quint64(bytes.size());
        h.addData(QByteArrayView(reinterpret_cast<const char *>(&n), sizeof n));
        h.addData(bytes);
    };
    field(QByteArrayLiteral("roster cache ") + QByteArray::number(RosterCacheVersion));
    field(project.recordsRevision());
    field(project.school().timeZone.toUtf8());
    nlohmann::json lists = nlohmann::json::object(); // school lists, snapshot, accounts: all but the decisions
    if (const nlohmann::json *sec = project.section("roster"); sec && sec->is_object()) {
        lists = *sec;
        lists.erase("decisions");
    }
    field(QByteArray::fromStdString(lists.dump()));
    field(QByteArray::fromStdString(decisions.toJson().dump()));
    return h.result();
}

QByteArray projectRosterKey(const Project &project)
{
    return projectRosterKey(project, projectDecisions(project));
}

std::optional<Roster> cachedProjectRoster(const Project &project, const QByteArray &key)
{
    const std::optional<QByteArray> bytes = project.cache(kCacheName, key);
    return bytes ? decodeRoster(*bytes) : std::nullopt;
}

std::optional<Roster> cachedProjectRoster(const Project &project)
{
    return cachedProjectRoster(project, projectRosterKey(project));
}

void storeProjectRoster(Project &project, const QByteArray &key, const QByteArray &encoded)
{
    project.setCache(kCacheName, key, encoded);
}

void storeProjectRoster(Project &project, const Roster &roster)
{
    storeProjectRoster(project, projectRosterKey(project), encodeRoster(roster));
    storeRecordSummary(project);
}

// ---- RecordSummary ---------------------------------------------------------------------------------------------
namespace {

void writeCounts(Writer &w, const RowCounts &c)
{
    w.i(c.read), w.i(c.accepted), w.i(c.duplicatesIdentical), w.i(c.duplicatesConflicting), w.i(c.quarantined);
    w.i(c.blank), w.i(c.headerRows);
}

RowCounts readCounts(Reader &r)
{
    RowCounts c;
    c.read = r.i(), c.accepted = r.i(), c.duplicatesIdentical = r.i(), c.duplicatesConflicting = r.i();
    c.quarantined = r.i(), c.blank = r.i(), c.headerRows = r.i();
    return c;
}

void writeKey(Writer &w, const RecordKey &k) { w.i(k.sourceIndex), w.i(k.row); }
RecordKey readKey(Reader &r)
{
    RecordKey k;
    k.sourceIndex = r.n(), k.row = r.i();
    return k;
}

QByteArray encodeSummary(const RecordSummary &s)
{
    Writer w;
    writeCounts(w, s.total);
    w.u(s.sources.size());
    for (const RowCounts &c : s.sources)
        writeCounts(w, c);
    w.i(s.incidents), w.i(s.commendations);
    w.u(s.duplicates.size());
    for (const RecordSummary::Duplicate &d : s.duplicates) {
        w.s(d.uuid), w.b(d.conflicting), w.u(d.rows.size());
        for (const RecordKey &k : d.rows)
            writeKey(w, k);
        writeKey(w, d.chosen), w.b(d.chosenByUser);
    }
    return w.finish();
}

std::optional<RecordSummary> decodeSummary(const QByteArray &bytes)
{
    std::optional<Reader> r = Reader::open(bytes);
    if (!r)
        return std::nullopt;
    RecordSummary s;
    s.total = readCounts(*r);
    readAll(*r, s.sources, readCounts);
    s.incidents = r->i(), s.commendations = r->i();
    readAll(*r, s.duplicates, [](Reader &rd) {
        RecordSummary::Duplicate d;
        d.uuid = rd.s(), d.conflicting = rd.b();
        readAll(rd, d.rows, readKey);
        d.chosen = readKey(rd), d.chosenByUser = rd.b();
        return d;
    });
    if (!r->ok() || !r->atEnd())
        return std::nullopt;
    return s;
}

} // namespace

QByteArray recordSummaryKey(const Project &project)
{
    return QByteArrayLiteral("records ") + QByteArray::number(RosterCacheVersion) + ' ' + project.recordsRevision().toHex();
}

RecordSummary summarizeRecords(const Project &project)
{
    const DedupeResult &d = project.dedupe();
    const std::vector<IncidentRecord> &records = project.records();
    RecordSummary s;
    s.sources.resize(project.sources().size());
    for (size_t i = 0; i < project.sources().size(); ++i) {
        const RowCounts &c = project.sources()[i].counts;
        s.sources[i].read = c.read, s.sources[i].blank = c.blank, s.sources[i].headerRows = c.headerRows;
    }
    RowCounts unknown; // a record of no listed source (Project::load refuses them; one made in memory may have them)
    for (size_t i = 0; i < records.size(); ++i) {
        const IncidentRecord &r = records[i];
        RowCounts &c = r.sourceIndex >= 0 && size_t(r.sourceIndex) < s.sources.size() ? s.sources[size_t(r.sourceIndex)] : unknown;
        switch (d.status[i]) {
        case RecordStatus::Accepted:
            ++c.accepted;
            ++(r.type == RecordType::Incident ? s.incidents : s.commendations);
            break;
        case RecordStatus::DuplicateIdentical: ++c.duplicatesIdentical; break;
        case RecordStatus::DuplicateConflicting: ++c.duplicatesConflicting; break;
        }
    }
    for (const QuarantinedRow &q : project.quarantine())
        if (q.sourceIndex >= 0 && size_t(q.sourceIndex) < s.sources.size())
            ++s.sources[size_t(q.sourceIndex)].quarantined;
    s.total = project.counts();
    s.duplicates.reserve(d.groups.size());
    auto key = [&records](quint32 m) { return RecordKey{records[m].sourceIndex, records[m].sourceRow}; };
    for (const DuplicateGroup &g : d.groups) {
        RecordSummary::Duplicate dup{g.uuid, g.conflicting, {}, key(g.chosen), g.chosenByUser};
        dup.rows.reserve(g.members.size());
        for (quint32 m : g.members)
            dup.rows.push_back(key(m));
        s.duplicates.push_back(std::move(dup));
    }
    return s;
}

RecordSummary projectRecordSummary(const Project &project)
{
    if (const std::optional<QByteArray> bytes = project.cache(kRecordsCacheName, recordSummaryKey(project)))
        if (std::optional<RecordSummary> s = decodeSummary(*bytes))
            return std::move(*s);
    return summarizeRecords(project);
}

std::optional<QByteArray> recordSummaryToStore(const Project &project)
{
    if (const std::optional<QByteArray> bytes = project.cache(kRecordsCacheName, recordSummaryKey(project)); bytes && decodeSummary(*bytes))
        return std::nullopt;
    return encodeSummary(summarizeRecords(project));
}

void storeRecordSummary(Project &project, const QByteArray &key, const QByteArray &encoded)
{
    project.setCache(kRecordsCacheName, key, encoded);
}

void storeRecordSummary(Project &project)
{
    if (const std::optional<QByteArray> encoded = recordSummaryToStore(project))
        storeRecordSummary(project, recordSummaryKey(project), *encoded);
}

} // namespace tt
