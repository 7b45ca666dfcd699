#include "rosterstages.h"

#include "common/progress.h"
#include "namesplitter.h"
#include "rosterrules.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSet>
#include <algorithm>
#include <optional>

namespace tt::stages {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::RosterBuilder", text, disambiguation, n);
}

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

// leadingZeroTwins over the logged ids and the school's list: returns
// logged id -> the student id it belongs to, and lists each settlement and each question.
QHash<QString, QString> resolveTwins(const std::vector<IdAgg> &ids, const std::vector<ClassAgg> &classes,
                                     const std::vector<RosterEntry> &rosterEntries,
                                     const QHash<QString, int> &rosterById, const RosterDecisions &decisions,
                                     std::vector<Conflict> &conflicts)
{
    // The ids as logged (the administrator's merges apply after: see the caller).
    std::vector<rules::IdEvidence> evidence;
    QHash<QString, int> byId;
    for (const IdAgg &ia : ids) {
        const QString &id = ia.id;
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

// ---- BuildState ---------------------------------------------------------------------------------------------------

int BuildState::internClass(const QString &code)
{
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
}

QString BuildState::classCodeOf(const QString &code) const
{
    auto it = classByKey.constFind(code.trimmed().toCaseFolded());
    return it == classByKey.constEnd() ? code.trimmed() : classes[size_t(it.value())].code;
}

int BuildState::studentFor(const QString &id)
{
    auto it = studentById.constFind(id);
    if (it != studentById.constEnd())
        return it.value();
    const int s = int(students.size());
    students.push_back(StudentWork{});
    students.back().id = id;
    studentById.insert(id, s);
    return s;
}

void BuildState::question(const QString &kind, const QString &subject, const QString &detail)
{
    conflicts.push_back(Conflict{kind, subject, detail, true, {}});
}

void BuildState::task(const QString &kind, const QString &subject, const QString &detail)
{
    conflicts.push_back(Conflict{kind, subject, detail, false, {}});
}

// ---- collectEvidence ----------------------------------------------------------------------------------------------
namespace {

int teacherOf(BuildState &st, const QString &raw)
{
    auto tit = st.teacherByRaw.constFind(raw);
    if (tit != st.teacherByRaw.constEnd())
        return tit.value();
    const QString key = raw.trimmed().toCaseFolded();
    int t;
    auto kit = st.teacherByKey.constFind(key);
    if (kit != st.teacherByKey.constEnd()) {
        t = kit.value();
    } else {
        t = int(st.teachers.size());
        st.teachers.push_back(TeacherAgg{key, 0, 0, kMaxMs, kMinMs, {}, false});
        st.teacherByKey.insert(key, t);
    }
    st.teacherByRaw.insert(raw, t);
    return t;
}

int locationOf(BuildState &st, const QString &raw)
{
    auto lit = st.locationByRaw.constFind(raw);
    if (lit != st.locationByRaw.constEnd())
        return lit.value();
    const int loc = int(st.locationNames.size());
    const QString trimmed = raw.trimmed();
    st.locationNames.push_back(trimmed);
    st.locationYard.push_back(trimmed.compare(u"Yard"_s, Qt::CaseInsensitive) == 0);
    st.locationSpecialist.push_back(trimmed.compare(u"Specialist"_s, Qt::CaseInsensitive) == 0);
    st.locationByRaw.insert(raw, loc);
    return loc;
}

// The class of a logged class code (-1 for none), counting the spelling.
int classOfSpelling(BuildState &st, const QString &raw)
{
    if (raw.isEmpty())
        return -1;
    auto sit = st.spellingByRaw.constFind(raw);
    int sp;
    if (sit != st.spellingByRaw.constEnd()) {
        sp = sit.value();
    } else {
        sp = int(st.spellings.size());
        st.spellings.push_back(Spelling{raw.trimmed(), st.internClass(raw), 0});
        st.spellingByRaw.insert(raw, sp);
    }
    Spelling &s = st.spellings[size_t(sp)];
    ++s.count;
    return s.cls;
}

int idOf(BuildState &st, const QString &raw)
{
    auto iit = st.idByRaw.constFind(raw);
    if (iit != st.idByRaw.constEnd())
        return iit.value();
    const int sid = int(st.ids.size());
    st.ids.push_back(IdAgg{});
    st.ids.back().id = raw.trimmed();
    st.idByRaw.insert(raw, sid);
    return sid;
}

void collectRecord(BuildState &st, const IncidentRecord &r, qint64 i)
{
    const int t = teacherOf(st, r.teacherEmail);
    TeacherAgg &ta = st.teachers[size_t(t)];
    if (r.type == RecordType::Incident)
        ++ta.incidents;
    else
        ++ta.commendations;
    ta.first = std::min(ta.first, r.timestampMs);
    ta.last = std::max(ta.last, r.timestampMs);
    st.recTeacher[size_t(i)] = t;
    const int loc = locationOf(st, r.location);
    if (ta.locCounts.size() <= size_t(loc))
        ta.locCounts.resize(size_t(loc) + 1, 0);
    ++ta.locCounts[size_t(loc)];
    const int c = classOfSpelling(st, r.classCode);
    if (c >= 0) {
        ++st.classes[size_t(c)].logs;
        TeacherClass &tc = st.teacherClass[(quint64(quint32(t)) << 32) | quint32(c)];
        ++tc.logs;
        if (!st.locationYard[size_t(loc)])
            ++tc.nonYard;
    }
    st.recClass[size_t(i)] = c;
    if (r.studentId.isEmpty()) {
        st.noId.push_back(i);
        return;
    }
    const int sid = idOf(st, r.studentId);
    IdAgg &ia = st.ids[size_t(sid)];
    ++ia.logs;
    ia.first = std::min(ia.first, r.timestampMs);
    ia.last = std::max(ia.last, r.timestampMs);
    addName(ia.names, r.studentName, r.timestampMs, 1);
    if (c >= 0) {
        addStint(ia.stints, c, r.timestampMs, 1);
        ia.classLogs.emplace_back(r.timestampMs, c);
    }
    st.recId[size_t(i)] = sid;
}

} // namespace

void collectEvidence(const BuildInputs &in, BuildState &st)
{
    const qint64 n = qint64(in.accepted.size());
    st.recTeacher.assign(size_t(n), -1);
    st.recClass.assign(size_t(n), -1);
    st.recId.assign(size_t(n), -1);
    for (qint64 i = 0; i < n; ++i) {
        if ((i & 0xFFFF) == 0) {
            checkCancel(in.progress);
            if (in.progress)
                in.progress->advance(i);
        }
        collectRecord(st, in.accepted[size_t(i)], i);
    }
}

// ---- settleClassCodes ---------------------------------------------------------------------------------------------

void settleClassCodes(const BuildInputs &in, BuildState &st)
{
    for (const Spelling &s : st.spellings) {
        ClassAgg &ca = st.classes[size_t(s.cls)];
        if (s.count > ca.bestCount || (s.count == ca.bestCount && s.text < ca.code)) {
            ca.bestCount = s.count;
            ca.code = s.text;
        }
    }
    for (const RosterEntry &e : in.roster) {
        if (e.classCode.trimmed().isEmpty())
            continue;
        const bool known = st.classByKey.contains(e.classCode.trimmed().toCaseFolded());
        const int c = st.internClass(e.classCode);
        if (!known)
            st.classes[size_t(c)].fromRoster = true;
    }
    // teacher x class tables
    st.teacherClasses.assign(st.teachers.size(), {});
    st.classTeachers.assign(st.classes.size(), {});
    for (auto it = st.teacherClass.cbegin(); it != st.teacherClass.cend(); ++it) {
        const int t = int(it.key() >> 32), c = int(it.key() & 0xFFFFFFFFu);
        st.teacherClasses[size_t(t)].push_back(c);
        st.classTeachers[size_t(c)].push_back({t, it.value()});
    }
}

// ---- buildTeachers ------------------------------------------------------------------------------------------------
namespace {

// Names and roles from the staff list, else the display name read from the email.
void nameTeacher(const BuildInputs &in, const QHash<QString, int> &staffByEmail, TeacherDraft &d)
{
    auto sit = staffByEmail.constFind(d.email);
    if (sit != staffByEmail.constEnd()) {
        const StaffEntry &s = in.staff[size_t(sit.value())];
        d.inStaffList = true;
        if (!s.displayName.isEmpty()) {
            d.displayName = s.displayName;
            d.displayNameSource = u"staff list"_s;
        }
        d.role = s.role.isEmpty() ? u"teacher"_s : s.role;
        d.roleSource = u"staff list"_s;
    }
    if (d.displayName.isEmpty()) {
        d.displayName = RosterBuilder::displayNameFromEmail(d.email);
        if (!d.displayName.isEmpty())
            d.displayNameSource = u"email"_s;
    }
}

void applyTeacherDecision(const RosterDecisions &decisions, TeacherDraft &d)
{
    const TeacherDecision *td = decisions.teacher(d.email);
    if (!td)
        return;
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

void draftTeacher(const BuildInputs &in, const BuildState &st, const QHash<QString, int> &staffByEmail, size_t t,
                  TeacherDraft &d)
{
    const TeacherAgg &ta = st.teachers[t];
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
        d.locations[st.locationNames[l]] += ta.locCounts[l];
        if (st.locationSpecialist[l])
            specialistLogs += ta.locCounts[l];
    }
    for (int c : st.teacherClasses[t])
        d.classes.append(st.classes[size_t(c)].code);
    d.classes.sort(Qt::CaseInsensitive);
    nameTeacher(in, staffByEmail, d);
    // specialist
    const int total = ta.incidents + ta.commendations;
    const int nClasses = int(d.classes.size());
    d.isSpecialist = nClasses >= in.options.specialistMinClasses && total > 0
        && double(specialistLogs) >= in.options.specialistMinShare * double(total);
    if (total > 0) {
        const QString share = tr("%1% with location Specialist (%2 of %3 logs)")
                                  .arg(percent(specialistLogs, total))
                                  .arg(specialistLogs)
                                  .arg(total);
        d.specialistEvidence = nClasses == 1 ? tr("logged in 1 class, %1").arg(share)
                                             : tr("logged in %1 classes, %2").arg(QString::number(nClasses), share);
    }
    applyTeacherDecision(in.decisions, d);
}

} // namespace

void buildTeachers(const BuildInputs &in, BuildState &st)
{
    QHash<QString, int> staffByEmail;
    for (int i = 0; i < int(in.staff.size()); ++i)
        staffByEmail.insert(in.staff[size_t(i)].email.trimmed().toCaseFolded(), i);
    for (const StaffEntry &s : in.staff) {
        const QString key = s.email.trimmed().toCaseFolded();
        if (!st.teacherByKey.contains(key)) {
            st.teacherByKey.insert(key, int(st.teachers.size()));
            TeacherAgg ta;
            ta.email = key;
            ta.fromStaffOnly = true;
            st.teachers.push_back(ta);
            st.teacherClasses.emplace_back();
        }
    }
    st.tdrafts.assign(st.teachers.size(), TeacherDraft{});
    for (size_t t = 0; t < st.teachers.size(); ++t)
        draftTeacher(in, st, staffByEmail, t, st.tdrafts[t]);
}

// ---- resolveStudentIds --------------------------------------------------------------------------------------------

void resolveStudentIds(const BuildInputs &in, BuildState &st)
{
    for (int i = 0; i < int(in.roster.size()); ++i)
        st.rosterById.insert(in.roster[size_t(i)].studentId.trimmed(), i);
    const QHash<QString, QString> twinMerges =
        resolveTwins(st.ids, st.classes, in.roster, st.rosterById, in.decisions, st.conflicts);
    for (IdAgg &ia : st.ids) {
        // the administrator's merge first, else the twin rule; then the administrator's merges of the result
        const QString finalId = in.decisions.studentIdMerges().contains(ia.id)
            ? in.decisions.mergedStudentId(ia.id)
            : in.decisions.mergedStudentId(twinMerges.value(ia.id, ia.id));
        const int rosterIndex = st.rosterById.value(finalId, -1);
        const int s = st.studentFor(finalId);
        ia.student = s;
        StudentWork &sw = st.students[size_t(s)];
        if (rosterIndex >= 0)
            sw.rosterIndex = rosterIndex;
        if (ia.id != finalId && !sw.loggedIds.contains(ia.id))
            sw.loggedIds.append(ia.id);
        sw.logs += ia.logs;
        sw.first = std::min(sw.first, ia.first);
        sw.last = std::max(sw.last, ia.last);
        for (const NameCount &nc : ia.names)
            addName(sw.names, nc.name, nc.last, nc.count);
        for (const Stint &s2 : ia.stints) {
            mergeStint(sw.stints, s2);
            sw.lastWithClass = std::max(sw.lastWithClass, s2.last);
        }
        sw.classLogs.insert(sw.classLogs.end(), ia.classLogs.begin(), ia.classLogs.end());
        std::vector<std::pair<qint64, int>>().swap(ia.classLogs);
    }
    st.studentsWithLogs = int(st.students.size());
    for (int i = 0; i < int(in.roster.size()); ++i) {
        const QString id = in.roster[size_t(i)].studentId.trimmed();
        if (!st.studentById.contains(id)) {
            const int s = st.studentFor(id);
            st.students[size_t(s)].rosterIndex = i;
        }
    }
}

// ---- chooseStudentNames -------------------------------------------------------------------------------------------
namespace {

// The logs' best spelling (well-formed first, then the most logged, the latest, alphabetical) into d; returns it.
QString nameFromLogs(StudentWork &sw, StudentDraft &d)
{
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
    if (sw.names.empty())
        return {};
    const NameCount &best = sw.names.front();
    const QString chosen = isWellFormedName(best.name) ? best.name : repairNameCase(best.name);
    const NameParts parts = splitStudentName(chosen);
    d.firstName = parts.first;
    d.lastName = parts.last;
    d.nameSource = u"logs"_s;
    d.nameEvidence = tr("'%1' in %2 of %3 logs").arg(best.name).arg(best.count).arg(sw.logs);
    return chosen;
}

// The school's list names the student: its name is used (a question when the logs disagree); returns it.
QString nameFromList(BuildState &st, const RosterEntry &re, const QString &chosen, StudentDraft &d)
{
    const QString rosterFull = (re.firstName + u' ' + re.lastName).simplified();
    if (!chosen.isEmpty() && normalisedNameKey(rosterFull) != normalisedNameKey(chosen))
        st.question(u"idClash"_s, d.studentId,
                    tr("The school roster names student %1 '%2'; the logs mostly say '%3'. The roster name "
                       "was used.")
                        .arg(d.studentId, rosterFull, chosen));
    d.firstName = re.firstName;
    d.lastName = re.lastName;
    d.nameSource = u"school roster"_s;
    return rosterFull;
}

void nameStudent(const BuildInputs &in, BuildState &st, size_t s)
{
    StudentWork &sw = st.students[s];
    StudentDraft &d = st.sdrafts[s];
    d.studentId = sw.id;
    d.logs = sw.logs;
    d.fromRosterOnly = int(s) >= st.studentsWithLogs;
    d.loggedIds = sw.loggedIds;
    QString chosen = nameFromLogs(sw, d);
    const RosterEntry *re = sw.rosterIndex >= 0 ? &in.roster[size_t(sw.rosterIndex)] : nullptr;
    if (re && !(re->firstName.isEmpty() && re->lastName.isEmpty()))
        chosen = nameFromList(st, *re, chosen, d);
    for (const NameCount &nc : sw.names)
        if (nc.name != chosen)
            d.nameVariants.append(nc.name);
    if (re) {
        d.guardians = re->guardians;
        d.notes = re->notes;
    }
    const StudentDecision *sd = in.decisions.student(d.studentId);
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
        st.conflicts.push_back(spellingConflict(d, sw.names, in.decisions));
}

} // namespace

void chooseStudentNames(const BuildInputs &in, BuildState &st)
{
    st.sdrafts.assign(st.students.size(), StudentDraft{});
    for (size_t s = 0; s < st.students.size(); ++s)
        nameStudent(in, st, s);
}

// ---- findNamesakes ------------------------------------------------------------------------------------------------

void findNamesakes(const BuildInputs &in, BuildState &st)
{
    // names -> students, for logs without an id, and the same name under two ids
    for (int s = 0; s < int(st.sdrafts.size()); ++s) {
        QSet<QString> keys;
        const QString chosenKey =
            normalisedNameKey(st.sdrafts[size_t(s)].firstName + u' ' + st.sdrafts[size_t(s)].lastName);
        if (!chosenKey.isEmpty()) {
            keys.insert(chosenKey);
            st.studentsByChosenName[chosenKey].append(s);
        }
        for (const NameCount &nc : st.students[size_t(s)].names)
            keys.insert(normalisedNameKey(nc.name));
        for (const QString &k : keys)
            st.studentsByName[k].append(s);
    }
    QStringList keys = st.studentsByChosenName.keys();
    keys.sort();
    for (const QString &k : keys) {
        const QList<int> &list = st.studentsByChosenName[k];
        if (list.size() < 2)
            continue;
        std::vector<rules::IdEvidence> group;
        for (int s : list) {
            const StudentWork &sw = st.students[size_t(s)];
            group.push_back(idEvidence(sw.id, sw.names, sw.stints, sw.logs, st.classes));
            group.back().onSchoolList = sw.rosterIndex >= 0;
        }
        const StudentDraft &first = st.sdrafts[size_t(list.first())];
        if (std::optional<Conflict> c = namesakeConflict(group, first.firstName + u' ' + first.lastName, in.decisions))
            st.conflicts.push_back(*c);
    }
}

// ---- linkRecords --------------------------------------------------------------------------------------------------
namespace {

// A log without a student id: the one student with its name, or -1 with the reason (remembered per name).
const std::pair<int, QString> &matchByName(const BuildInputs &in, BuildState &st, const QString &studentName)
{
    auto it = st.nameMatches.find(studentName);
    if (it == st.nameMatches.end()) {
        const QList<int> found = st.studentsByName.value(normalisedNameKey(studentName));
        std::pair<int, QString> result{-1, {}};
        if (found.size() == 1
            && in.decisions.isReopened(QString::fromLatin1(rules::UniqueNameMatch),
                                       st.sdrafts[size_t(found.first())].studentId))
            result.second = tr("no student id; the match by name was undone");
        else if (found.size() == 1)
            result.first = found.first();
        else if (found.isEmpty())
            result.second = tr("no student id, and no student with this name");
        else
            result.second = tr("no student id, and %1 students have this name").arg(found.size());
        it = st.nameMatches.insert(studentName, result);
    }
    return *it;
}

void countFor(std::vector<std::pair<int, int>> &counts, int key)
{
    auto it = std::find_if(counts.begin(), counts.end(), [key](const auto &p) { return p.first == key; });
    if (it == counts.end())
        counts.push_back({key, 1});
    else
        ++it->second;
}

// A log with a student id: remembered as classless by its teacher, or as recent in its class. The recent window
// ends at the student's last log that names a class, not at their last log: logs without a class code (an
// administrator's yard log, a class code left blank) say nothing about the class, and a window they ended could
// hold no class at all, leaving a student with months of logs in one class without a class.
void noteStudentLog(const BuildInputs &in, BuildState &st, qint64 i, StudentWork &sw)
{
    const int c = st.recClass[size_t(i)];
    if (c < 0)
        countFor(sw.classlessTeachers, st.recTeacher[size_t(i)]);
    if (c >= 0 && in.accepted[size_t(i)].timestampMs >= sw.lastWithClass - in.options.recentWindowMs)
        countFor(sw.recent, c);
}

void linkRecord(const BuildInputs &in, BuildState &st, qint64 i, QMap<QString, int> &unlinkedNames)
{
    const IncidentRecord &r = in.accepted[size_t(i)];
    RecordLink &link = st.out.links[size_t(i)];
    link.teacherEmail = st.tdrafts[size_t(st.recTeacher[size_t(i)])].email;
    ++st.out.summary.teacher;
    const int c = st.recClass[size_t(i)];
    if (c >= 0) {
        link.classCode = st.classes[size_t(c)].code;
        ++st.out.summary.classroom;
    } else {
        link.classroomReason = tr("no class code in the sheet");
        ++st.out.unlinkedReasons[link.classroomReason];
    }
    const int sid = st.recId[size_t(i)];
    int s = -1;
    if (sid >= 0) {
        s = st.ids[size_t(sid)].student;
        noteStudentLog(in, st, i, st.students[size_t(s)]);
    } else {
        const std::pair<int, QString> &match = matchByName(in, st, r.studentName);
        s = match.first;
        if (s < 0) {
            link.studentReason = match.second;
            ++st.out.unlinkedReasons[link.studentReason];
            ++unlinkedNames[r.studentName];
        }
    }
    if (s >= 0) {
        link.studentId = st.sdrafts[size_t(s)].studentId;
        ++st.out.summary.student;
    }
}

} // namespace

void linkRecords(const BuildInputs &in, BuildState &st)
{
    const qint64 n = qint64(in.accepted.size());
    st.out.links.resize(size_t(n));
    st.out.summary.total = n;
    QMap<QString, int> unlinkedNames; // name -> records
    for (qint64 i = 0; i < n; ++i) {
        if ((i & 0xFFFF) == 0) {
            checkCancel(in.progress);
            if (in.progress)
                in.progress->advance(n + i);
        }
        linkRecord(in, st, i, unlinkedNames);
    }
    for (auto it = unlinkedNames.cbegin(); it != unlinkedNames.cend(); ++it)
        st.question(u"noStudentId"_s, it.key(),
                    tr("Logs for '%1' (%3) have no student id and could not be matched by name (%2).")
                        .arg(it.key(), st.nameMatches.value(it.key()).second)
                        .arg(it.value()));
    // matched by name: say so, once per name
    QStringList matched;
    for (auto it = st.nameMatches.cbegin(); it != st.nameMatches.cend(); ++it)
        if (it->first >= 0)
            matched.append(it.key());
    matched.sort();
    for (const QString &name : matched) {
        const QString &id = st.sdrafts[size_t(st.nameMatches.value(name).first)].studentId;
        st.conflicts.push_back(Conflict{u"noStudentId"_s, id,
                                        tr("Logs for '%1' have no student id; they were linked by name to student "
                                           "%2, the only student with this name.")
                                            .arg(name, id),
                                        false, QString::fromLatin1(rules::UniqueNameMatch)});
    }
}

// ---- inferStudentClasses ------------------------------------------------------------------------------------------
namespace {

// The history: runs of consecutive logs in one class, in time order, so A -> B -> A shows three stints.
void classHistory(const BuildState &st, StudentWork &sw, StudentDraft &d)
{
    std::sort(sw.classLogs.begin(), sw.classLogs.end());
    for (const auto &[ts, cls] : sw.classLogs) {
        if (d.classHistory.empty() || d.classHistory.back().classCode != st.classes[size_t(cls)].code)
            d.classHistory.push_back(ClassStint{st.classes[size_t(cls)].code, ts, ts, 0});
        d.classHistory.back().lastMs = ts;
        ++d.classHistory.back().logs;
    }
    std::vector<std::pair<qint64, int>>().swap(sw.classLogs);
}

// The class with the most logs in the recent window (ties: the latest); a question when there were two.
QString classFromRecentLogs(BuildState &st, StudentWork &sw, StudentDraft &d)
{
    auto lastOf = [&](int c) {
        for (const Stint &s : sw.stints)
            if (s.cls == c)
                return s.last;
        return kMinMs;
    };
    std::sort(sw.recent.begin(), sw.recent.end(), [&](const auto &a, const auto &b) {
        if (a.second != b.second)
            return a.second > b.second;
        return lastOf(a.first) > lastOf(b.first);
    });
    if (sw.recent.empty())
        return {};
    const QString inferred = st.classes[size_t(sw.recent.front().first)].code;
    int recentTotal = 0;
    QStringList parts;
    for (const auto &p : sw.recent) {
        recentTotal += p.second;
        parts.append(tr("%1 (%2)").arg(st.classes[size_t(p.first)].code).arg(p.second));
    }
    d.classEvidence = tr("%1 of %2 logs in the 14 days up to their last log with a class were in %3")
                          .arg(sw.recent.front().second)
                          .arg(recentTotal)
                          .arg(inferred);
    if (sw.recent.size() > 1)
        st.question(u"twoClasses"_s, d.studentId,
                    tr("Student %1 was logged in %2 within the 14 days up to their last log with a class (%3); %4 "
                       "was suggested.")
                        .arg(d.studentId, parts.join(u", "_s), isoDate(sw.lastWithClass), inferred));
    return inferred;
}

void placeStudent(const BuildInputs &in, BuildState &st, size_t s)
{
    StudentWork &sw = st.students[s];
    StudentDraft &d = st.sdrafts[s];
    classHistory(st, sw, d);
    const QString inferred = classFromRecentLogs(st, sw, d);
    d.classCode = inferred;
    const RosterEntry *re = sw.rosterIndex >= 0 ? &in.roster[size_t(sw.rosterIndex)] : nullptr;
    if (re && !re->classCode.trimmed().isEmpty()) {
        const QString rc = st.classCodeOf(re->classCode);
        if (!inferred.isEmpty() && rc.compare(inferred, Qt::CaseInsensitive) != 0)
            st.question(u"classMismatch"_s, d.studentId,
                        tr("The school roster puts student %1 in %2; their recent logs are in %3. The roster's "
                           "class was used.")
                            .arg(d.studentId, rc, inferred));
        d.classCode = rc;
        d.classEvidence = d.classEvidence.isEmpty() ? tr("school roster") : tr("school roster; %1").arg(d.classEvidence);
    }
    if (const StudentDecision *sd = in.decisions.student(d.studentId); sd && sd->classCode) {
        d.classCode = sd->classCode->isEmpty() ? QString() : st.classCodeOf(*sd->classCode);
        d.classEvidence = tr("administrator");
    }
}

} // namespace

void inferStudentClasses(const BuildInputs &in, BuildState &st)
{
    for (size_t s = 0; s < st.students.size(); ++s)
        placeStudent(in, st, s);
}

// ---- buildClassrooms ----------------------------------------------------------------------------------------------
namespace {

// The homeroom suggestion: the non-specialist with the most logs outside the yard; returns whether it is close.
bool suggestHomeroom(const BuildInputs &in, const BuildState &st,
                     std::vector<std::pair<int, TeacherClass>> homeroomCands, ClassroomDraft &d)
{
    std::stable_sort(homeroomCands.begin(), homeroomCands.end(), [](const auto &a, const auto &b) {
        if (a.second.nonYard != b.second.nonYard)
            return a.second.nonYard > b.second.nonYard;
        return a.second.logs > b.second.logs;
    });
    if (homeroomCands.empty())
        return false;
    const auto &top = homeroomCands.front();
    d.homeroomTeacherEmail = st.tdrafts[size_t(top.first)].email;
    const int topLogs = top.second.nonYard;
    int second = 0;
    if (homeroomCands.size() > 1) {
        d.runnerUpEmail = st.tdrafts[size_t(homeroomCands[1].first)].email;
        second = homeroomCands[1].second.nonYard;
        d.homeroomEvidence = tr("%1: %2 logs outside the yard; runner-up %3: %4 logs; margin %5")
                                 .arg(d.homeroomTeacherEmail)
                                 .arg(topLogs)
                                 .arg(d.runnerUpEmail)
                                 .arg(second)
                                 .arg(topLogs - second);
    } else {
        d.homeroomEvidence =
            tr("%1: %2 logs outside the yard; no other teacher").arg(d.homeroomTeacherEmail).arg(topLogs);
    }
    d.homeroomMargin = topLogs - second;
    return double(d.homeroomMargin) < in.options.closeHomeroomShare * double(topLogs)
        || d.homeroomMargin < in.options.closeHomeroomMinLogs;
}

void applyClassroomDecision(const RosterDecisions &decisions, ClassroomDraft &d)
{
    const ClassroomDecision *cd = decisions.classroom(d.code);
    if (!cd)
        return;
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

void draftClassroom(const BuildInputs &in, BuildState &st, size_t c, QHash<QString, QStringList> &homeroomsOf)
{
    ClassroomDraft &d = st.cdrafts[c];
    d.code = st.classes[c].code;
    d.name = d.code;
    d.logs = st.classes[c].logs;
    d.fromRosterOnly = st.classes[c].fromRoster;
    auto &cands = st.classTeachers[c];
    std::vector<std::pair<int, TeacherClass>> homeroomCands;
    QStringList specialists, specialistEvidence;
    std::sort(cands.begin(), cands.end(), [&](const auto &a, const auto &b) {
        return st.tdrafts[size_t(a.first)].email < st.tdrafts[size_t(b.first)].email;
    });
    for (const auto &p : cands) {
        const TeacherDraft &t = st.tdrafts[size_t(p.first)];
        if (t.isSpecialist) {
            specialists.append(t.email);
            specialistEvidence.append(tr("%1: %2 logs here").arg(t.email).arg(p.second.logs));
        } else if (p.second.nonYard > 0) {
            homeroomCands.push_back(p);
        }
    }
    d.specialistEmails = specialists;
    d.specialistEvidence = specialistEvidence.join(u"; "_s);
    const bool close = suggestHomeroom(in, st, std::move(homeroomCands), d);
    applyClassroomDecision(in.decisions, d);
    const bool homeroomDecided = d.decided && in.decisions.classroom(d.code)->homeroomTeacherEmail.has_value();
    if (homeroomDecided)
        return;
    if (d.homeroomTeacherEmail.isEmpty())
        st.question(u"noHomeroom"_s, d.code,
                    tr("No teacher other than specialists logged in %1 outside the yard; choose its homeroom "
                       "teacher.")
                        .arg(d.code));
    else if (close)
        st.question(u"closeHomeroom"_s, d.code, tr("Homeroom of %1 is a close call: %2.").arg(d.code, d.homeroomEvidence));
    if (!d.homeroomTeacherEmail.isEmpty())
        homeroomsOf[d.homeroomTeacherEmail].append(d.code);
}

} // namespace

void buildClassrooms(const BuildInputs &in, BuildState &st)
{
    st.cdrafts.assign(st.classes.size(), ClassroomDraft{});
    QHash<QString, QStringList> homeroomsOf; // teacher -> classes (suggestions only)
    for (size_t c = 0; c < st.classes.size(); ++c)
        draftClassroom(in, st, c, homeroomsOf);
    QStringList emails = homeroomsOf.keys();
    emails.sort();
    for (const QString &e : emails) {
        const QStringList &cl = homeroomsOf[e];
        if (cl.size() > 1)
            st.question(u"twoHomerooms"_s, e,
                        tr("%1 is the suggested homeroom teacher of %2; a teacher usually has one class.")
                            .arg(e, cl.join(u", "_s)));
    }
}

// ---- suggestClassesFromHomerooms ----------------------------------------------------------------------------------
namespace {

// The homeroom teacher (of exactly one class) who logged the student most, or empty.
std::pair<QString, QString> homeroomTeacherWhoLogged(BuildState &st, StudentWork &sw,
                                                     const QHash<QString, QString> &homeroomClassOf,
                                                     const QSet<QString> &several)
{
    auto &tl = sw.classlessTeachers;
    std::sort(tl.begin(), tl.end(), [&](const auto &a, const auto &b) {
        if (a.second != b.second)
            return a.second > b.second;
        return st.tdrafts[size_t(a.first)].email < st.tdrafts[size_t(b.first)].email;
    });
    for (const auto &p : tl) {
        const QString &email = st.tdrafts[size_t(p.first)].email;
        if (homeroomClassOf.contains(email) && !several.contains(email))
            return {homeroomClassOf.value(email), email};
    }
    return {};
}

} // namespace

void suggestClassesFromHomerooms(const BuildInputs &in, BuildState &st)
{
    QHash<QString, QString> homeroomClassOf; // teacher -> the one class they are the homeroom teacher of
    QSet<QString> several;
    for (const ClassroomDraft &c : st.cdrafts) {
        if (c.homeroomTeacherEmail.isEmpty())
            continue;
        if (homeroomClassOf.contains(c.homeroomTeacherEmail))
            several.insert(c.homeroomTeacherEmail);
        homeroomClassOf.insert(c.homeroomTeacherEmail, c.code);
    }
    for (size_t s = 0; s < st.students.size(); ++s) {
        StudentDraft &d = st.sdrafts[s];
        if (!d.classCode.isEmpty() || d.fromRosterOnly)
            continue;
        const StudentDecision *sd = in.decisions.student(d.studentId);
        if (sd && sd->classCode)
            continue;
        const auto [suggestion, teacher] = homeroomTeacherWhoLogged(st, st.students[s], homeroomClassOf, several);
        if (!suggestion.isEmpty()) {
            d.classCode = suggestion;
            d.classEvidence =
                tr("no log names a class; logged by %1, the homeroom teacher of %2").arg(teacher, suggestion);
            st.question(u"noClass"_s, d.studentId,
                        tr("Student %1 has no log with a class code; %2 was suggested because %3 (its homeroom "
                           "teacher) logged them.")
                            .arg(d.studentId, suggestion, teacher));
        } else {
            st.question(u"noClass"_s, d.studentId,
                        tr("Student %1 has no log with a class code; choose their classroom.").arg(d.studentId));
        }
    }
}

// ---- countAndCheck ------------------------------------------------------------------------------------------------

void countAndCheck(const BuildInputs &in, BuildState &st)
{
    for (const StudentDraft &s : st.sdrafts) {
        if (s.classCode.isEmpty())
            continue;
        auto it = st.classByKey.constFind(s.classCode.toCaseFolded());
        if (it != st.classByKey.constEnd())
            ++st.cdrafts[size_t(it.value())].students;
    }
    for (const TeacherDraft &t : st.tdrafts) {
        if (!in.staff.empty() && !t.inStaffList)
            st.question(u"unknownTeacher"_s, t.email,
                        tr("%1 logged %2 records but is not on the staff list.")
                            .arg(t.email)
                            .arg(t.incidents + t.commendations));
        if (t.displayName.isEmpty() && !t.decided)
            st.task(u"teacherName"_s, t.email,
                    tr("The display name of %1 cannot be read from the email address. It is optional: enter it, or "
                       "take it from the staff list.")
                        .arg(t.email));
    }
}

// ---- finish -------------------------------------------------------------------------------------------------------

Roster finish(const BuildInputs &, BuildState &st)
{
    std::sort(st.tdrafts.begin(), st.tdrafts.end(),
              [](const TeacherDraft &a, const TeacherDraft &b) { return a.email < b.email; });
    std::sort(st.cdrafts.begin(), st.cdrafts.end(), [](const ClassroomDraft &a, const ClassroomDraft &b) {
        return QString::compare(a.code, b.code, Qt::CaseInsensitive) < 0;
    });
    std::sort(st.sdrafts.begin(), st.sdrafts.end(),
              [](const StudentDraft &a, const StudentDraft &b) { return a.studentId < b.studentId; });
    std::stable_sort(st.conflicts.begin(), st.conflicts.end(), [](const Conflict &a, const Conflict &b) {
        if (a.kind != b.kind)
            return a.kind < b.kind;
        return a.subject < b.subject;
    });
    Roster out = std::move(st.out);
    out.teachers = std::move(st.tdrafts);
    out.classrooms = std::move(st.cdrafts);
    out.students = std::move(st.sdrafts);
    out.conflicts = std::move(st.conflicts);
    return out;
}

} // namespace tt::stages
