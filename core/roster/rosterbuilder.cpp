#include "rosterbuilder.h"

#include "common/progress.h"
#include "namesplitter.h"
#include "rosterrules.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>
#include <algorithm>
#include <limits>
#include <optional>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::RosterBuilder", text, disambiguation, n);
}

constexpr qint64 kMaxMs = std::numeric_limits<qint64>::max();
constexpr qint64 kMinMs = std::numeric_limits<qint64>::min();

struct Spelling
{
    QString text; // trimmed
    int cls = -1;
    int count = 0;
};

struct ClassAgg
{
    QString key;  // case-folded
    QString code; // canonical spelling
    int bestCount = -1;
    int logs = 0;
    bool fromRoster = false;
};

struct TeacherAgg
{
    QString email; // key
    int incidents = 0;
    int commendations = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    std::vector<int> locCounts; // by location index
    bool fromStaffOnly = false;
};

struct TeacherClass
{
    int logs = 0;
    int nonYard = 0;
};

struct Stint
{
    int cls = -1;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    int logs = 0;
};

struct NameCount
{
    QString name;
    int count = 0;
    qint64 last = kMinMs;
};

struct IdAgg
{
    QString id;
    std::vector<NameCount> names;
    std::vector<Stint> stints;                    // per class: first, last, logs
    std::vector<std::pair<qint64, int>> classLogs; // (time, class) of every log with a class, for the history
    int logs = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    int student = -1; // index into the students being built
};

struct StudentWork
{
    QString id;
    std::vector<NameCount> names;
    std::vector<Stint> stints;
    std::vector<std::pair<qint64, int>> classLogs;
    int logs = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    int rosterIndex = -1;
    QStringList loggedIds;
    std::vector<std::pair<int, int>> recent; // class -> logs in the recent window
    std::vector<std::pair<int, int>> classlessTeachers; // teacher -> logs without a class code
};

void addStint(std::vector<Stint> &stints, int cls, qint64 ts, int logs)
{
    for (Stint &s : stints) {
        if (s.cls == cls) {
            s.first = std::min(s.first, ts);
            s.last = std::max(s.last, ts);
            s.logs += logs;
            return;
        }
    }
    stints.push_back(Stint{cls, ts, ts, logs});
}

void mergeStint(std::vector<Stint> &stints, const Stint &o)
{
    for (Stint &s : stints) {
        if (s.cls == o.cls) {
            s.first = std::min(s.first, o.first);
            s.last = std::max(s.last, o.last);
            s.logs += o.logs;
            return;
        }
    }
    stints.push_back(o);
}

void addName(std::vector<NameCount> &names, const QString &name, qint64 ts, int count)
{
    for (NameCount &n : names) {
        if (n.name == name) {
            n.count += count;
            n.last = std::max(n.last, ts);
            return;
        }
    }
    names.push_back(NameCount{name, count, ts});
}

QString isoDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

int percent(qint64 part, qint64 whole)
{
    return whole > 0 ? int((part * 100 + whole / 2) / whole) : 0;
}

rules::IdEvidence idEvidence(const QString &id, const std::vector<NameCount> &names, const std::vector<Stint> &stints,
                             int logs, const std::vector<ClassAgg> &classes)
{
    rules::IdEvidence e;
    e.id = id;
    e.logs = logs;
    for (const NameCount &nc : names)
        e.names.push_back(rules::SpellingCount{nc.name, nc.count});
    for (const Stint &st : stints)
        e.classes.push_back(rules::ClassSpan{classes[size_t(st.cls)].key, classes[size_t(st.cls)].code, st.first,
                                             st.last, st.logs});
    return e;
}

// leadingZeroTwins over the logged ids (after the administrator's merges) and the school's list: returns
// logged id -> the student id it belongs to, and lists each settlement and each question.
QHash<QString, QString> resolveTwins(const std::vector<IdAgg> &ids, const std::vector<ClassAgg> &classes,
                                     const std::vector<RosterEntry> &rosterEntries,
                                     const QHash<QString, int> &rosterById, const RosterDecisions &decisions,
                                     std::vector<Conflict> &conflicts)
{
    std::vector<rules::IdEvidence> evidence;
    QHash<QString, int> byId;
    for (const IdAgg &ia : ids) {
        const QString id = decisions.mergedStudentId(ia.id);
        auto it = byId.constFind(id);
        if (it == byId.constEnd()) {
            it = byId.insert(id, int(evidence.size()));
            evidence.emplace_back();
            evidence.back().id = id;
        }
        rules::IdEvidence &e = evidence[size_t(it.value())];
        const rules::IdEvidence more = idEvidence(id, ia.names, ia.stints, ia.logs, classes);
        e.logs += more.logs;
        e.names.insert(e.names.end(), more.names.begin(), more.names.end());
        e.classes.insert(e.classes.end(), more.classes.begin(), more.classes.end());
    }
    for (auto it = rosterById.cbegin(); it != rosterById.cend(); ++it) {
        if (!byId.contains(it.key())) {
            byId.insert(it.key(), int(evidence.size()));
            evidence.emplace_back();
            evidence.back().id = it.key();
        }
        rules::IdEvidence &e = evidence[size_t(byId.value(it.key()))];
        const RosterEntry &re = rosterEntries[size_t(it.value())];
        e.onSchoolList = true;
        e.listName = (re.firstName + u' ' + re.lastName).simplified();
    }
    QSet<QString> keepApart = decisions.keptApartIds();
    rules::TwinResult result = rules::leadingZeroTwins(evidence, keepApart);
    // a reopened settlement: its ids are kept apart and asked about again
    bool reopened = false;
    for (const rules::TwinMerge &m : result.merges) {
        if (decisions.isReopened(QString::fromLatin1(rules::LeadingZeroTwins), m.intoId)) {
            keepApart.insert(m.fromId);
            reopened = true;
        }
    }
    if (reopened) {
        result = rules::leadingZeroTwins(evidence, keepApart);
        for (const rules::IdEvidence &e : evidence)
            if (keepApart.contains(e.id) && !decisions.isKeptApart(e.id))
                result.questions.push_back(rules::TwinQuestion{
                    {e.id}, tr("Student id %1 differs from another id only by leading zeros; the automatic merge "
                               "was undone, so it is its own student until you merge it.")
                                .arg(e.id)});
    }
    QHash<QString, QString> out;
    for (const rules::TwinMerge &m : result.merges) {
        out.insert(m.fromId, m.intoId);
        conflicts.push_back(
            Conflict{u"leadingZeros"_s, m.intoId, m.detail, false, QString::fromLatin1(rules::LeadingZeroTwins)});
    }
    for (const rules::TwinQuestion &q : result.questions)
        conflicts.push_back(Conflict{u"leadingZeros"_s, q.ids.join(u" / "_s), q.detail, true, {}});
    return out;
}

// majoritySpelling: the spellings of one student id (sorted, the chosen first) settle or ask.
Conflict spellingConflict(const StudentDraft &d, const std::vector<NameCount> &names, const RosterDecisions &decisions)
{
    std::vector<rules::SpellingCount> spellings;
    for (const NameCount &nc : names)
        spellings.push_back(rules::SpellingCount{nc.name, nc.count});
    const rules::SpellingVerdict v = rules::majoritySpelling(spellings, names.front().name);
    const QString rule = QString::fromLatin1(rules::MajoritySpelling);
    if (v.settled && !decisions.isReopened(rule, d.studentId))
        return Conflict{u"nameVariants"_s, d.studentId,
                        tr("Student %1: '%2 %3' was taken, the spelling most logs use: %4.")
                            .arg(d.studentId, d.firstName, d.lastName, v.detail),
                        false, rule};
    return Conflict{u"nameVariants"_s, d.studentId,
                    tr("Student %1 is logged as %2; '%3 %4' was suggested.")
                        .arg(d.studentId, v.detail, d.firstName, d.lastName),
                    true, {}};
}

// namesakes: one name under several ids that are not one student. Settled when every pair is told apart by the
// school's list or by their classes; pairs the administrator kept apart (Separate) count as told apart.
std::optional<Conflict> namesakeConflict(std::vector<rules::IdEvidence> group, const QString &name,
                                         const RosterDecisions &decisions)
{
    std::sort(group.begin(), group.end(),
              [](const rules::IdEvidence &a, const rules::IdEvidence &b) { return a.id < b.id; });
    QStringList idsList, details;
    QString settledBy;
    bool settled = true, anyRule = false;
    for (const rules::IdEvidence &e : group)
        idsList.append(e.id);
    for (size_t i = 0; i < group.size(); ++i) {
        for (size_t j = i + 1; j < group.size(); ++j) {
            const rules::IdEvidence &a = group[i], &b = group[j];
            if (rules::strippedId(a.id) == rules::strippedId(b.id)
                && (decisions.isKeptApart(a.id) || decisions.isKeptApart(b.id)))
                continue; // the administrator separated them
            const rules::NamesakeVerdict v = rules::namesakes(a, b);
            details.append(v.detail);
            anyRule = true;
            if (v.settledBy.isEmpty())
                settled = false;
            else if (settledBy.isEmpty() || v.settledBy == QLatin1String(rules::NamesakesDifferentClasses))
                settledBy = v.settledBy;
        }
    }
    if (!anyRule)
        return std::nullopt;
    const QString subject = idsList.join(u" / "_s);
    if (settled && !decisions.isReopened(settledBy, subject))
        return Conflict{u"idClash"_s, subject,
                        tr("'%1' appears under student ids %2: two students. %3")
                            .arg(name, idsList.join(u", "_s), details.join(u' ')),
                        false, settledBy};
    return Conflict{u"idClash"_s, subject,
                    tr("'%1' appears under student ids %2: the same student twice, or two students with one name? %3")
                        .arg(name, idsList.join(u", "_s), details.join(u' ')),
                    true, {}};
}

} // namespace

QString RosterBuilder::displayNameFromEmail(const QString &email)
{
    const qsizetype at = email.indexOf(u'@');
    const QString local = (at >= 0 ? email.left(at) : email).trimmed();
    if (local.isEmpty())
        return {};
    QStringList parts;
    QString cur;
    for (const QChar c : local) {
        if (c == u'.' || c == u'_' || c == u'-') {
            parts.append(cur);
            cur.clear();
        } else if (c.isLetter()) {
            cur += c;
        } else {
            return {}; // digits, '+', anything else: not plainly a name
        }
    }
    parts.append(cur);
    if (parts.size() < 2 || parts.size() > 3)
        return {};
    for (QString &p : parts) {
        if (p.size() < 2)
            return {};
        p = p.toLower();
        p[0] = p.at(0).toUpper();
    }
    return parts.join(u' ');
}

Roster RosterBuilder::build(const std::vector<IncidentRecord> &accepted, const std::vector<RosterEntry> &rosterEntries,
                            const std::vector<StaffEntry> &staff, const RosterDecisions &decisions,
                            Progress *progress) const
{
    const qint64 n = qint64(accepted.size());
    if (progress)
        progress->begin(tr("Rebuilding teachers, classrooms and students"), n * 2);

    // ---- Pass 1: one walk over the records, aggregating by interned keys --------------------------------
    QHash<QString, int> teacherByRaw, teacherByKey;
    std::vector<TeacherAgg> teachers;
    QHash<QString, int> spellingByRaw;
    std::vector<Spelling> spellings;
    QHash<QString, int> classByKey;
    std::vector<ClassAgg> classes;
    QHash<QString, int> locationByRaw;
    std::vector<QString> locationNames;
    std::vector<char> locationYard, locationSpecialist;
    QHash<quint64, TeacherClass> teacherClass;
    QHash<QString, int> idByRaw;
    std::vector<IdAgg> ids;
    std::vector<qint32> recTeacher(size_t(n), -1), recClass(size_t(n), -1), recId(size_t(n), -1);
    std::vector<qint64> noId;

    auto internClass = [&](const QString &code) -> int {
        const QString key = code.trimmed().toCaseFolded();
        if (key.isEmpty())
            return -1;
        auto it = classByKey.constFind(key);
        if (it != classByKey.constEnd())
            return it.value();
        const int idx = int(classes.size());
        classes.push_back(ClassAgg{key, code.trimmed(), -1, 0, false});
        classByKey.insert(key, idx);
        return idx;
    };

    for (qint64 i = 0; i < n; ++i) {
        if ((i & 0xFFFF) == 0) {
            checkCancel(progress);
            if (progress)
                progress->advance(i);
        }
        const IncidentRecord &r = accepted[size_t(i)];
        // teacher
        int t;
        auto tit = teacherByRaw.constFind(r.teacherEmail);
        if (tit != teacherByRaw.constEnd()) {
            t = tit.value();
        } else {
            const QString key = r.teacherEmail.trimmed().toCaseFolded();
            auto kit = teacherByKey.constFind(key);
            if (kit != teacherByKey.constEnd()) {
                t = kit.value();
            } else {
                t = int(teachers.size());
                teachers.push_back(TeacherAgg{key, 0, 0, kMaxMs, kMinMs, {}, false});
                teacherByKey.insert(key, t);
            }
            teacherByRaw.insert(r.teacherEmail, t);
        }
        TeacherAgg &ta = teachers[size_t(t)];
        if (r.type == RecordType::Incident)
            ++ta.incidents;
        else
            ++ta.commendations;
        ta.first = std::min(ta.first, r.timestampMs);
        ta.last = std::max(ta.last, r.timestampMs);
        recTeacher[size_t(i)] = t;
        // location
        int loc;
        auto lit = locationByRaw.constFind(r.location);
        if (lit != locationByRaw.constEnd()) {
            loc = lit.value();
        } else {
            loc = int(locationNames.size());
            const QString trimmed = r.location.trimmed();
            locationNames.push_back(trimmed);
            locationYard.push_back(trimmed.compare(u"Yard"_s, Qt::CaseInsensitive) == 0);
            locationSpecialist.push_back(trimmed.compare(u"Specialist"_s, Qt::CaseInsensitive) == 0);
            locationByRaw.insert(r.location, loc);
        }
        if (ta.locCounts.size() <= size_t(loc))
            ta.locCounts.resize(size_t(loc) + 1, 0);
        ++ta.locCounts[size_t(loc)];
        // class
        int c = -1;
        if (!r.classCode.isEmpty()) {
            auto sit = spellingByRaw.constFind(r.classCode);
            int sp;
            if (sit != spellingByRaw.constEnd()) {
                sp = sit.value();
            } else {
                sp = int(spellings.size());
                spellings.push_back(Spelling{r.classCode.trimmed(), internClass(r.classCode), 0});
                spellingByRaw.insert(r.classCode, sp);
            }
            Spelling &s = spellings[size_t(sp)];
            ++s.count;
            c = s.cls;
        }
        if (c >= 0) {
            ++classes[size_t(c)].logs;
            TeacherClass &tc = teacherClass[(quint64(quint32(t)) << 32) | quint32(c)];
            ++tc.logs;
            if (!locationYard[size_t(loc)])
                ++tc.nonYard;
        }
        recClass[size_t(i)] = c;
        // student id
        if (r.studentId.isEmpty()) {
            noId.push_back(i);
            continue;
        }
        int sid;
        auto iit = idByRaw.constFind(r.studentId);
        if (iit != idByRaw.constEnd()) {
            sid = iit.value();
        } else {
            sid = int(ids.size());
            ids.push_back(IdAgg{});
            ids.back().id = r.studentId.trimmed();
            idByRaw.insert(r.studentId, sid);
        }
        IdAgg &ia = ids[size_t(sid)];
        ++ia.logs;
        ia.first = std::min(ia.first, r.timestampMs);
        ia.last = std::max(ia.last, r.timestampMs);
        addName(ia.names, r.studentName, r.timestampMs, 1);
        if (c >= 0) {
            addStint(ia.stints, c, r.timestampMs, 1);
            ia.classLogs.emplace_back(r.timestampMs, c);
        }
        recId[size_t(i)] = sid;
    }

    Roster out;
    std::vector<Conflict> conflicts;
    auto conflict = [&](const QString &kind, const QString &subject, const QString &detail) {
        conflicts.push_back(Conflict{kind, subject, detail, true, {}});
    };
    auto task = [&](const QString &kind, const QString &subject, const QString &detail) {
        conflicts.push_back(Conflict{kind, subject, detail, false, {}});
    };

    // ---- Classrooms: canonical spelling ------------------------------------------------------------------
    for (const Spelling &s : spellings) {
        ClassAgg &ca = classes[size_t(s.cls)];
        if (s.count > ca.bestCount || (s.count == ca.bestCount && s.text < ca.code)) {
            ca.bestCount = s.count;
            ca.code = s.text;
        }
    }
    for (const RosterEntry &e : rosterEntries) {
        if (e.classCode.trimmed().isEmpty())
            continue;
        const bool known = classByKey.contains(e.classCode.trimmed().toCaseFolded());
        const int c = internClass(e.classCode);
        if (!known)
            classes[size_t(c)].fromRoster = true;
    }
    auto classCodeOf = [&](const QString &code) -> QString {
        auto it = classByKey.constFind(code.trimmed().toCaseFolded());
        return it == classByKey.constEnd() ? code.trimmed() : classes[size_t(it.value())].code;
    };

    // teacher x class tables
    std::vector<std::vector<int>> teacherClasses(teachers.size());
    std::vector<std::vector<std::pair<int, TeacherClass>>> classTeachers(classes.size());
    for (auto it = teacherClass.cbegin(); it != teacherClass.cend(); ++it) {
        const int t = int(it.key() >> 32), c = int(it.key() & 0xFFFFFFFFu);
        teacherClasses[size_t(t)].push_back(c);
        classTeachers[size_t(c)].push_back({t, it.value()});
    }

    // ---- Teachers -----------------------------------------------------------------------------------------
    QHash<QString, int> staffByEmail;
    for (int i = 0; i < int(staff.size()); ++i)
        staffByEmail.insert(staff[size_t(i)].email.trimmed().toCaseFolded(), i);
    for (const StaffEntry &s : staff) {
        const QString key = s.email.trimmed().toCaseFolded();
        if (!teacherByKey.contains(key)) {
            teacherByKey.insert(key, int(teachers.size()));
            TeacherAgg ta;
            ta.email = key;
            ta.fromStaffOnly = true;
            teachers.push_back(ta);
            teacherClasses.emplace_back();
        }
    }
    std::vector<TeacherDraft> tdrafts(teachers.size());
    for (size_t t = 0; t < teachers.size(); ++t) {
        const TeacherAgg &ta = teachers[t];
        TeacherDraft &d = tdrafts[t];
        d.email = ta.email;
        d.incidents = ta.incidents;
        d.commendations = ta.commendations;
        d.firstSeenMs = ta.first == kMaxMs ? 0 : ta.first;
        d.lastSeenMs = ta.last == kMinMs ? 0 : ta.last;
        d.fromStaffOnly = ta.fromStaffOnly;
        int specialistLogs = 0;
        for (size_t l = 0; l < ta.locCounts.size(); ++l) {
            if (ta.locCounts[l] == 0)
                continue;
            d.locations[locationNames[l]] += ta.locCounts[l];
            if (locationSpecialist[l])
                specialistLogs += ta.locCounts[l];
        }
        for (int c : teacherClasses[t])
            d.classes.append(classes[size_t(c)].code);
        d.classes.sort(Qt::CaseInsensitive);
        // names and roles
        auto sit = staffByEmail.constFind(d.email);
        if (sit != staffByEmail.constEnd()) {
            const StaffEntry &s = staff[size_t(sit.value())];
            d.inStaffList = true;
            if (!s.displayName.isEmpty()) {
                d.displayName = s.displayName;
                d.displayNameSource = u"staff list"_s;
            }
            d.role = s.role.isEmpty() ? u"teacher"_s : s.role;
            d.roleSource = u"staff list"_s;
        }
        if (d.displayName.isEmpty()) {
            d.displayName = displayNameFromEmail(d.email);
            if (!d.displayName.isEmpty())
                d.displayNameSource = u"email"_s;
        }
        // specialist
        const int total = ta.incidents + ta.commendations;
        const int nClasses = int(d.classes.size());
        d.isSpecialist = nClasses >= m_options.specialistMinClasses && total > 0
            && double(specialistLogs) >= m_options.specialistMinShare * double(total);
        if (total > 0) {
            const QString share = tr("%1% with location Specialist (%2 of %3 logs)")
                                      .arg(percent(specialistLogs, total))
                                      .arg(specialistLogs)
                                      .arg(total);
            d.specialistEvidence = nClasses == 1 ? tr("logged in 1 class, %1").arg(share)
                                                 : tr("logged in %1 classes, %2").arg(QString::number(nClasses), share);
        }
        // decisions
        if (const TeacherDecision *td = decisions.teacher(d.email)) {
            d.decided = true;
            if (td->displayName) {
                d.displayName = *td->displayName;
                d.displayNameSource = u"administrator"_s;
            }
            if (td->role) {
                d.role = *td->role;
                d.roleSource = u"administrator"_s;
            }
            if (td->isSpecialist)
                d.isSpecialist = *td->isSpecialist;
        }
    }

    // ---- Students: resolve ids ------------------------------------------------------------------------------
    QHash<QString, int> rosterById;
    for (int i = 0; i < int(rosterEntries.size()); ++i)
        rosterById.insert(rosterEntries[size_t(i)].studentId.trimmed(), i);
    std::vector<StudentWork> students;
    QHash<QString, int> studentById;
    auto studentFor = [&](const QString &id) -> int {
        auto it = studentById.constFind(id);
        if (it != studentById.constEnd())
            return it.value();
        const int s = int(students.size());
        students.push_back(StudentWork{});
        students.back().id = id;
        studentById.insert(id, s);
        return s;
    };
    const QHash<QString, QString> twinMerges = resolveTwins(ids, classes, rosterEntries, rosterById, decisions, conflicts);
    for (IdAgg &ia : ids) {
        const QString merged = decisions.mergedStudentId(ia.id);
        const QString finalId = twinMerges.value(merged, merged);
        const int rosterIndex = rosterById.value(finalId, -1);
        const int s = studentFor(finalId);
        ia.student = s;
        StudentWork &sw = students[size_t(s)];
        if (rosterIndex >= 0)
            sw.rosterIndex = rosterIndex;
        if (ia.id != finalId && !sw.loggedIds.contains(ia.id))
            sw.loggedIds.append(ia.id);
        sw.logs += ia.logs;
        sw.first = std::min(sw.first, ia.first);
        sw.last = std::max(sw.last, ia.last);
        for (const NameCount &nc : ia.names)
            addName(sw.names, nc.name, nc.last, nc.count);
        for (const Stint &st : ia.stints)
            mergeStint(sw.stints, st);
        sw.classLogs.insert(sw.classLogs.end(), ia.classLogs.begin(), ia.classLogs.end());
        std::vector<std::pair<qint64, int>>().swap(ia.classLogs);
    }
    const int studentsWithLogs = int(students.size());
    for (int i = 0; i < int(rosterEntries.size()); ++i) {
        const QString id = rosterEntries[size_t(i)].studentId.trimmed();
        if (!studentById.contains(id)) {
            const int s = studentFor(id);
            students[size_t(s)].rosterIndex = i;
        }
    }

    // ---- Students: names --------------------------------------------------------------------------------------
    std::vector<StudentDraft> sdrafts(students.size());
    for (size_t s = 0; s < students.size(); ++s) {
        StudentWork &sw = students[s];
        StudentDraft &d = sdrafts[s];
        d.studentId = sw.id;
        d.logs = sw.logs;
        d.fromRosterOnly = int(s) >= studentsWithLogs;
        d.loggedIds = sw.loggedIds;
        std::sort(sw.names.begin(), sw.names.end(), [](const NameCount &a, const NameCount &b) {
            const bool wa = isWellFormedName(a.name), wb = isWellFormedName(b.name);
            if (wa != wb)
                return wa;
            if (a.count != b.count)
                return a.count > b.count;
            if (a.last != b.last)
                return a.last > b.last;
            return a.name < b.name;
        });
        QString chosen;
        if (!sw.names.empty()) {
            const NameCount &best = sw.names.front();
            chosen = isWellFormedName(best.name) ? best.name : repairNameCase(best.name);
            const NameParts parts = splitStudentName(chosen);
            d.firstName = parts.first;
            d.lastName = parts.last;
            d.nameSource = u"logs"_s;
            d.nameEvidence = tr("'%1' in %2 of %3 logs").arg(best.name).arg(best.count).arg(sw.logs);
        }
        const RosterEntry *re = sw.rosterIndex >= 0 ? &rosterEntries[size_t(sw.rosterIndex)] : nullptr;
        if (re && !(re->firstName.isEmpty() && re->lastName.isEmpty())) {
            const QString rosterFull = (re->firstName + u' ' + re->lastName).simplified();
            if (!chosen.isEmpty() && normalisedNameKey(rosterFull) != normalisedNameKey(chosen))
                conflict(u"idClash"_s, d.studentId,
                         tr("The school roster names student %1 '%2'; the logs mostly say '%3'. The roster name "
                            "was used.")
                             .arg(d.studentId, rosterFull, chosen));
            d.firstName = re->firstName;
            d.lastName = re->lastName;
            d.nameSource = u"school roster"_s;
            chosen = rosterFull;
        }
        for (const NameCount &nc : sw.names)
            if (nc.name != chosen)
                d.nameVariants.append(nc.name);
        if (re) {
            d.guardians = re->guardians;
            d.notes = re->notes;
        }
        const StudentDecision *sd = decisions.student(d.studentId);
        if (sd) {
            d.decided = true;
            if (sd->firstName || sd->lastName) {
                d.firstName = sd->firstName.value_or(d.firstName);
                d.lastName = sd->lastName.value_or(d.lastName);
                d.nameSource = u"administrator"_s;
            }
            if (sd->guardians)
                d.guardians = *sd->guardians;
            if (sd->notes)
                d.notes = *sd->notes;
        }
        const bool nameDecided = sd && (sd->firstName || sd->lastName);
        if (!d.nameVariants.isEmpty() && !nameDecided && !re)
            conflicts.push_back(spellingConflict(d, sw.names, decisions));
    }

    // names -> students, for logs without an id, and the same name under two ids
    QHash<QString, QList<int>> studentsByName;
    QHash<QString, QList<int>> studentsByChosenName;
    for (int s = 0; s < int(sdrafts.size()); ++s) {
        QSet<QString> keys;
        const QString chosenKey = normalisedNameKey(sdrafts[size_t(s)].firstName + u' ' + sdrafts[size_t(s)].lastName);
        if (!chosenKey.isEmpty()) {
            keys.insert(chosenKey);
            studentsByChosenName[chosenKey].append(s);
        }
        for (const NameCount &nc : students[size_t(s)].names)
            keys.insert(normalisedNameKey(nc.name));
        for (const QString &k : keys)
            studentsByName[k].append(s);
    }
    {
        QStringList keys = studentsByChosenName.keys();
        keys.sort();
        for (const QString &k : keys) {
            const QList<int> &list = studentsByChosenName[k];
            if (list.size() < 2)
                continue;
            std::vector<rules::IdEvidence> group;
            for (int s : list) {
                const StudentWork &sw = students[size_t(s)];
                group.push_back(idEvidence(sw.id, sw.names, sw.stints, sw.logs, classes));
                group.back().onSchoolList = sw.rosterIndex >= 0;
            }
            const StudentDraft &first = sdrafts[size_t(list.first())];
            if (std::optional<Conflict> c = namesakeConflict(group, first.firstName + u' ' + first.lastName, decisions))
                conflicts.push_back(*c);
        }
    }

    // ---- Pass 2: links and recent classes ------------------------------------------------------------------
    out.links.resize(size_t(n));
    out.summary.total = n;
    QHash<QString, std::pair<int, QString>> nameMatches; // studentName -> (student or -1, reason)
    QMap<QString, int> unlinkedNames;                    // name -> records
    for (qint64 i = 0; i < n; ++i) {
        if ((i & 0xFFFF) == 0) {
            checkCancel(progress);
            if (progress)
                progress->advance(n + i);
        }
        const IncidentRecord &r = accepted[size_t(i)];
        RecordLink &link = out.links[size_t(i)];
        link.teacherEmail = tdrafts[size_t(recTeacher[size_t(i)])].email;
        ++out.summary.teacher;
        const int c = recClass[size_t(i)];
        if (c >= 0) {
            link.classCode = classes[size_t(c)].code;
            ++out.summary.classroom;
        } else {
            link.classroomReason = tr("no class code in the sheet");
            ++out.unlinkedReasons[link.classroomReason];
        }
        const int sid = recId[size_t(i)];
        int s = -1;
        if (sid >= 0) {
            s = ids[size_t(sid)].student;
            StudentWork &sw = students[size_t(s)];
            if (c < 0) {
                const int t = recTeacher[size_t(i)];
                auto it = std::find_if(sw.classlessTeachers.begin(), sw.classlessTeachers.end(),
                                       [t](const auto &p) { return p.first == t; });
                if (it == sw.classlessTeachers.end())
                    sw.classlessTeachers.push_back({t, 1});
                else
                    ++it->second;
            }
            if (c >= 0 && r.timestampMs >= sw.last - m_options.recentWindowMs) {
                auto it = std::find_if(sw.recent.begin(), sw.recent.end(), [c](const auto &p) { return p.first == c; });
                if (it == sw.recent.end())
                    sw.recent.push_back({c, 1});
                else
                    ++it->second;
            }
        } else {
            auto it = nameMatches.constFind(r.studentName);
            if (it == nameMatches.constEnd()) {
                const QList<int> found = studentsByName.value(normalisedNameKey(r.studentName));
                std::pair<int, QString> result{-1, {}};
                if (found.size() == 1 && decisions.isReopened(QString::fromLatin1(rules::UniqueNameMatch),
                                                              sdrafts[size_t(found.first())].studentId))
                    result.second = tr("no student id; the match by name was undone");
                else if (found.size() == 1)
                    result.first = found.first();
                else if (found.isEmpty())
                    result.second = tr("no student id, and no student with this name");
                else
                    result.second = tr("no student id, and %1 students have this name").arg(found.size());
                it = nameMatches.insert(r.studentName, result);
            }
            s = it->first;
            if (s < 0) {
                link.studentReason = it->second;
                ++out.unlinkedReasons[link.studentReason];
                ++unlinkedNames[r.studentName];
            }
        }
        if (s >= 0) {
            link.studentId = sdrafts[size_t(s)].studentId;
            ++out.summary.student;
        }
    }
    for (auto it = unlinkedNames.cbegin(); it != unlinkedNames.cend(); ++it)
        conflict(u"noStudentId"_s, it.key(),
                 tr("Logs for '%1' (%3) have no student id and could not be matched by name (%2).")
                     .arg(it.key(), nameMatches.value(it.key()).second)
                     .arg(it.value()));
    {
        // matched by name: say so, once per name
        QStringList matched;
        for (auto it = nameMatches.cbegin(); it != nameMatches.cend(); ++it)
            if (it->first >= 0)
                matched.append(it.key());
        matched.sort();
        for (const QString &name : matched)
            conflicts.push_back(Conflict{u"noStudentId"_s, sdrafts[size_t(nameMatches.value(name).first)].studentId,
                                         tr("Logs for '%1' have no student id; they were linked by name to student "
                                            "%2, the only student with this name.")
                                             .arg(name, sdrafts[size_t(nameMatches.value(name).first)].studentId),
                                         false, QString::fromLatin1(rules::UniqueNameMatch)});
    }

    // ---- Students: classes ---------------------------------------------------------------------------------
    for (size_t s = 0; s < students.size(); ++s) {
        StudentWork &sw = students[s];
        StudentDraft &d = sdrafts[s];
        // The history: runs of consecutive logs in one class, in time order, so A -> B -> A shows three stints.
        std::sort(sw.classLogs.begin(), sw.classLogs.end());
        for (const auto &[ts, cls] : sw.classLogs) {
            if (d.classHistory.empty() || d.classHistory.back().classCode != classes[size_t(cls)].code)
                d.classHistory.push_back(ClassStint{classes[size_t(cls)].code, ts, ts, 0});
            d.classHistory.back().lastMs = ts;
            ++d.classHistory.back().logs;
        }
        std::vector<std::pair<qint64, int>>().swap(sw.classLogs);
        auto lastOf = [&](int c) {
            for (const Stint &st : sw.stints)
                if (st.cls == c)
                    return st.last;
            return kMinMs;
        };
        std::sort(sw.recent.begin(), sw.recent.end(), [&](const auto &a, const auto &b) {
            if (a.second != b.second)
                return a.second > b.second;
            return lastOf(a.first) > lastOf(b.first);
        });
        QString inferred;
        if (!sw.recent.empty()) {
            inferred = classes[size_t(sw.recent.front().first)].code;
            int recentTotal = 0;
            QStringList parts;
            for (const auto &p : sw.recent) {
                recentTotal += p.second;
                parts.append(tr("%1 (%2)").arg(classes[size_t(p.first)].code).arg(p.second));
            }
            d.classEvidence = tr("%1 of %2 logs in the last 14 days of their data were in %3")
                                  .arg(sw.recent.front().second)
                                  .arg(recentTotal)
                                  .arg(inferred);
            if (sw.recent.size() > 1)
                conflict(u"twoClasses"_s, d.studentId,
                         tr("Student %1 was logged in %2 within the last 14 days of their data (to %3); %4 was "
                            "suggested.")
                             .arg(d.studentId, parts.join(u", "_s), isoDate(sw.last), inferred));
        }
        d.classCode = inferred;
        const RosterEntry *re = sw.rosterIndex >= 0 ? &rosterEntries[size_t(sw.rosterIndex)] : nullptr;
        if (re && !re->classCode.trimmed().isEmpty()) {
            const QString rc = classCodeOf(re->classCode);
            if (!inferred.isEmpty() && rc.compare(inferred, Qt::CaseInsensitive) != 0)
                conflict(u"classMismatch"_s, d.studentId,
                         tr("The school roster puts student %1 in %2; their recent logs are in %3. The roster's "
                            "class was used.")
                             .arg(d.studentId, rc, inferred));
            d.classCode = rc;
            d.classEvidence = d.classEvidence.isEmpty() ? tr("school roster")
                                                        : tr("school roster; %1").arg(d.classEvidence);
        }
        if (const StudentDecision *sd = decisions.student(d.studentId); sd && sd->classCode) {
            d.classCode = sd->classCode->isEmpty() ? QString() : classCodeOf(*sd->classCode);
            d.classEvidence = tr("administrator");
        }
    }

    // ---- Classrooms: homeroom and specialists ----------------------------------------------------------
    std::vector<ClassroomDraft> cdrafts(classes.size());
    QHash<QString, QStringList> homeroomsOf; // teacher -> classes (suggestions only)
    for (size_t c = 0; c < classes.size(); ++c) {
        ClassroomDraft &d = cdrafts[c];
        d.code = classes[c].code;
        d.name = d.code;
        d.logs = classes[c].logs;
        d.fromRosterOnly = classes[c].fromRoster;
        auto &cands = classTeachers[c];
        std::vector<std::pair<int, TeacherClass>> homeroomCands;
        QStringList specialists, specialistEvidence;
        std::sort(cands.begin(), cands.end(), [&](const auto &a, const auto &b) {
            return tdrafts[size_t(a.first)].email < tdrafts[size_t(b.first)].email;
        });
        for (const auto &p : cands) {
            const TeacherDraft &t = tdrafts[size_t(p.first)];
            if (t.isSpecialist) {
                specialists.append(t.email);
                specialistEvidence.append(tr("%1: %2 logs here").arg(t.email).arg(p.second.logs));
            } else if (p.second.nonYard > 0) {
                homeroomCands.push_back(p);
            }
        }
        std::stable_sort(homeroomCands.begin(), homeroomCands.end(), [](const auto &a, const auto &b) {
            if (a.second.nonYard != b.second.nonYard)
                return a.second.nonYard > b.second.nonYard;
            return a.second.logs > b.second.logs;
        });
        d.specialistEmails = specialists;
        d.specialistEvidence = specialistEvidence.join(u"; "_s);
        bool close = false;
        if (!homeroomCands.empty()) {
            const auto &top = homeroomCands.front();
            d.homeroomTeacherEmail = tdrafts[size_t(top.first)].email;
            const int topLogs = top.second.nonYard;
            int second = 0;
            if (homeroomCands.size() > 1) {
                d.runnerUpEmail = tdrafts[size_t(homeroomCands[1].first)].email;
                second = homeroomCands[1].second.nonYard;
                d.homeroomEvidence = tr("%1: %2 logs outside the yard; runner-up %3: %4 logs; margin %5")
                                         .arg(d.homeroomTeacherEmail)
                                         .arg(topLogs)
                                         .arg(d.runnerUpEmail)
                                         .arg(second)
                                         .arg(topLogs - second);
            } else {
                d.homeroomEvidence = tr("%1: %2 logs outside the yard; no other teacher")
                                         .arg(d.homeroomTeacherEmail)
                                         .arg(topLogs);
            }
            d.homeroomMargin = topLogs - second;
            close = double(d.homeroomMargin) < m_options.closeHomeroomShare * double(topLogs)
                || d.homeroomMargin < m_options.closeHomeroomMinLogs;
        }
        if (const ClassroomDecision *cd = decisions.classroom(d.code)) {
            d.decided = true;
            if (cd->name)
                d.name = *cd->name;
            if (cd->homeroomTeacherEmail) {
                d.homeroomTeacherEmail = *cd->homeroomTeacherEmail;
                d.homeroomEvidence = tr("administrator");
            }
            if (cd->specialistEmails) {
                d.specialistEmails = *cd->specialistEmails;
                d.specialistEvidence = tr("administrator");
            }
        }
        const bool homeroomDecided = d.decided && decisions.classroom(d.code)->homeroomTeacherEmail.has_value();
        if (!homeroomDecided) {
            if (d.homeroomTeacherEmail.isEmpty())
                conflict(u"noHomeroom"_s, d.code,
                         tr("No teacher other than specialists logged in %1 outside the yard; choose its homeroom "
                            "teacher.")
                             .arg(d.code));
            else if (close)
                conflict(u"closeHomeroom"_s, d.code,
                         tr("Homeroom of %1 is a close call: %2.").arg(d.code, d.homeroomEvidence));
            if (!d.homeroomTeacherEmail.isEmpty())
                homeroomsOf[d.homeroomTeacherEmail].append(d.code);
        }
    }
    {
        QStringList emails = homeroomsOf.keys();
        emails.sort();
        for (const QString &e : emails) {
            const QStringList &cl = homeroomsOf[e];
            if (cl.size() > 1)
                conflict(u"twoHomerooms"_s, e,
                         tr("%1 is the suggested homeroom teacher of %2; a teacher usually has one class.")
                             .arg(e, cl.join(u", "_s)));
        }
    }
    // students no log placed in a class: the class whose homeroom teacher logged them, as a suggestion
    {
        QHash<QString, QString> homeroomClassOf; // teacher -> the one class they are the homeroom teacher of
        QSet<QString> several;
        for (const ClassroomDraft &c : cdrafts) {
            if (c.homeroomTeacherEmail.isEmpty())
                continue;
            if (homeroomClassOf.contains(c.homeroomTeacherEmail))
                several.insert(c.homeroomTeacherEmail);
            homeroomClassOf.insert(c.homeroomTeacherEmail, c.code);
        }
        for (size_t s = 0; s < students.size(); ++s) {
            StudentDraft &d = sdrafts[s];
            if (!d.classCode.isEmpty() || d.fromRosterOnly)
                continue;
            const StudentDecision *sd = decisions.student(d.studentId);
            if (sd && sd->classCode)
                continue;
            auto &tl = students[s].classlessTeachers;
            std::sort(tl.begin(), tl.end(), [&](const auto &a, const auto &b) {
                if (a.second != b.second)
                    return a.second > b.second;
                return tdrafts[size_t(a.first)].email < tdrafts[size_t(b.first)].email;
            });
            QString suggestion, teacher;
            for (const auto &p : tl) {
                const QString &email = tdrafts[size_t(p.first)].email;
                if (homeroomClassOf.contains(email) && !several.contains(email)) {
                    suggestion = homeroomClassOf.value(email);
                    teacher = email;
                    break;
                }
            }
            if (!suggestion.isEmpty()) {
                d.classCode = suggestion;
                d.classEvidence = tr("no log names a class; logged by %1, the homeroom teacher of %2")
                                      .arg(teacher, suggestion);
                conflict(u"noClass"_s, d.studentId,
                         tr("Student %1 has no log with a class code; %2 was suggested because %3 (its homeroom "
                            "teacher) logged them.")
                             .arg(d.studentId, suggestion, teacher));
            } else {
                conflict(u"noClass"_s, d.studentId,
                         tr("Student %1 has no log with a class code; choose their classroom.").arg(d.studentId));
            }
        }
    }
    // students per class
    for (const StudentDraft &s : sdrafts) {
        if (s.classCode.isEmpty())
            continue;
        auto it = classByKey.constFind(s.classCode.toCaseFolded());
        if (it != classByKey.constEnd())
            ++cdrafts[size_t(it.value())].students;
    }

    // ---- Teacher conflicts ---------------------------------------------------------------------------------
    for (const TeacherDraft &t : tdrafts) {
        if (!staff.empty() && !t.inStaffList)
            conflict(u"unknownTeacher"_s, t.email,
                     tr("%1 logged %2 records but is not on the staff list.")
                         .arg(t.email)
                         .arg(t.incidents + t.commendations));
        if (t.displayName.isEmpty() && !t.decided)
            task(u"teacherName"_s, t.email,
                 tr("The display name of %1 cannot be read from the email address. It is optional: enter it, or "
                    "take it from the staff list.")
                     .arg(t.email));
    }

    // ---- Order and finish -----------------------------------------------------------------------------------
    std::sort(tdrafts.begin(), tdrafts.end(), [](const TeacherDraft &a, const TeacherDraft &b) { return a.email < b.email; });
    std::sort(cdrafts.begin(), cdrafts.end(), [](const ClassroomDraft &a, const ClassroomDraft &b) {
        return QString::compare(a.code, b.code, Qt::CaseInsensitive) < 0;
    });
    std::sort(sdrafts.begin(), sdrafts.end(),
              [](const StudentDraft &a, const StudentDraft &b) { return a.studentId < b.studentId; });
    std::stable_sort(conflicts.begin(), conflicts.end(), [](const Conflict &a, const Conflict &b) {
        if (a.kind != b.kind)
            return a.kind < b.kind;
        return a.subject < b.subject;
    });
    out.teachers = std::move(tdrafts);
    out.classrooms = std::move(cdrafts);
    out.students = std::move(sdrafts);
    out.conflicts = std::move(conflicts);
    if (progress)
        progress->advance(2 * n);
    return out;
}

} // namespace tt
