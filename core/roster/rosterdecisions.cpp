#include "rosterdecisions.h"

#include "common/errors.h"
#include "roster.h"

#include <QCoreApplication>
#include <nlohmann/json.hpp>

namespace tt {

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

std::string s(const QString &q)
{
    return q.toStdString();
}

QString q(const json &j)
{
    return QString::fromStdString(j.get<std::string>());
}

template<typename T>
void putOpt(json &o, const char *key, const std::optional<T> &v);

template<>
void putOpt(json &o, const char *key, const std::optional<QString> &v)
{
    if (v)
        o[key] = s(*v);
}

template<>
void putOpt(json &o, const char *key, const std::optional<bool> &v)
{
    if (v)
        o[key] = *v;
}

template<>
void putOpt(json &o, const char *key, const std::optional<QStringList> &v)
{
    if (v) {
        json a = json::array();
        for (const QString &e : *v)
            a.push_back(s(e));
        o[key] = a;
    }
}

void getOpt(const json &o, const char *key, std::optional<QString> &v)
{
    if (o.contains(key))
        v = q(o.at(key));
}

void getOpt(const json &o, const char *key, std::optional<bool> &v)
{
    if (o.contains(key))
        v = o.at(key).get<bool>();
}

void getOpt(const json &o, const char *key, std::optional<QStringList> &v)
{
    if (o.contains(key)) {
        QStringList l;
        for (const json &e : o.at(key))
            l.append(q(e));
        v = l;
    }
}

} // namespace

QString RosterDecisions::teacherKey(const QString &email)
{
    return email.trimmed().toCaseFolded();
}

QString RosterDecisions::classroomKey(const QString &code)
{
    return code.trimmed().toCaseFolded();
}

QString RosterDecisions::studentKey(const QString &studentId)
{
    return studentId.trimmed();
}

void RosterDecisions::setTeacherDisplayName(const QString &email, const QString &name)
{
    m_teachers[teacherKey(email)].displayName = name.simplified();
}

void RosterDecisions::setTeacherRole(const QString &email, const QString &role)
{
    m_teachers[teacherKey(email)].role = role == u"admin"_s ? u"admin"_s : u"teacher"_s;
}

void RosterDecisions::setTeacherSpecialist(const QString &email, bool specialist)
{
    m_teachers[teacherKey(email)].isSpecialist = specialist;
}

void RosterDecisions::setClassroomName(const QString &code, const QString &name)
{
    m_classrooms[classroomKey(code)].name = name.simplified();
}

void RosterDecisions::setHomeroom(const QString &code, const QString &teacherEmail)
{
    m_classrooms[classroomKey(code)].homeroomTeacherEmail = teacherKey(teacherEmail);
}

void RosterDecisions::setClassSpecialists(const QString &code, const QStringList &teacherEmails)
{
    QStringList l;
    for (const QString &e : teacherEmails)
        l.append(teacherKey(e));
    l.sort();
    l.removeDuplicates();
    m_classrooms[classroomKey(code)].specialistEmails = l;
}

void RosterDecisions::setStudentName(const QString &studentId, const QString &first, const QString &last)
{
    StudentDecision &d = m_students[studentKey(studentId)];
    d.firstName = first.simplified();
    d.lastName = last.simplified();
}

void RosterDecisions::setStudentClass(const QString &studentId, const QString &classCode)
{
    m_students[studentKey(studentId)].classCode = classCode.trimmed();
}

void RosterDecisions::setStudentGuardians(const QString &studentId, const QString &guardians)
{
    m_students[studentKey(studentId)].guardians = guardians.trimmed();
}

void RosterDecisions::setStudentNotes(const QString &studentId, const QString &notes)
{
    m_students[studentKey(studentId)].notes = notes.trimmed();
}

void RosterDecisions::mergeStudentId(const QString &fromId, const QString &intoId)
{
    const QString from = studentKey(fromId), into = mergedStudentId(studentKey(intoId));
    if (from.isEmpty() || into.isEmpty() || from == into)
        return; // merging an id into itself (directly or through earlier merges) would loop
    m_idMerges[from] = into;
}

void RosterDecisions::unmergeStudentId(const QString &fromId)
{
    m_idMerges.remove(studentKey(fromId));
}

void RosterDecisions::keepStudentIdApart(const QString &id, bool apart)
{
    if (apart)
        m_keptApart.insert(studentKey(id));
    else
        m_keptApart.remove(studentKey(id));
}

namespace {
QString settlementKey(const QString &settledBy, const QString &subject)
{
    return settledBy + u'|' + subject;
}
} // namespace

void RosterDecisions::reopenSettlement(const QString &settledBy, const QString &subject, bool reopen)
{
    if (reopen)
        m_reopened.insert(settlementKey(settledBy, subject));
    else
        m_reopened.remove(settlementKey(settledBy, subject));
}

bool RosterDecisions::isReopened(const QString &settledBy, const QString &subject) const
{
    return m_reopened.contains(settlementKey(settledBy, subject));
}

void RosterDecisions::acceptAll(const Roster &roster)
{
    for (const TeacherDraft &t : roster.teachers) {
        TeacherDecision &d = m_teachers[teacherKey(t.email)];
        if (!d.displayName)
            d.displayName = t.displayName;
        if (!d.role)
            d.role = t.role;
        if (!d.isSpecialist)
            d.isSpecialist = t.isSpecialist;
    }
    for (const ClassroomDraft &c : roster.classrooms) {
        ClassroomDecision &d = m_classrooms[classroomKey(c.code)];
        if (!d.name)
            d.name = c.name;
        if (!d.homeroomTeacherEmail)
            d.homeroomTeacherEmail = c.homeroomTeacherEmail;
        if (!d.specialistEmails)
            d.specialistEmails = c.specialistEmails;
    }
    for (const StudentDraft &st : roster.students) {
        StudentDecision &d = m_students[studentKey(st.studentId)];
        if (!d.firstName)
            d.firstName = st.firstName;
        if (!d.lastName)
            d.lastName = st.lastName;
        if (!d.classCode)
            d.classCode = st.classCode;
        if (!d.guardians)
            d.guardians = st.guardians;
        if (!d.notes)
            d.notes = st.notes;
    }
}

const TeacherDecision *RosterDecisions::teacher(const QString &email) const
{
    auto it = m_teachers.constFind(teacherKey(email));
    return it == m_teachers.constEnd() ? nullptr : &it.value();
}

const ClassroomDecision *RosterDecisions::classroom(const QString &code) const
{
    auto it = m_classrooms.constFind(classroomKey(code));
    return it == m_classrooms.constEnd() ? nullptr : &it.value();
}

const StudentDecision *RosterDecisions::student(const QString &studentId) const
{
    auto it = m_students.constFind(studentKey(studentId));
    return it == m_students.constEnd() ? nullptr : &it.value();
}

QString RosterDecisions::mergedStudentId(const QString &id) const
{
    QString cur = id;
    for (int guard = 0; guard < 16; ++guard) { // follow chains, never loop forever
        auto it = m_idMerges.constFind(cur);
        if (it == m_idMerges.constEnd())
            break;
        cur = it.value();
    }
    return cur;
}

bool RosterDecisions::isEmpty() const
{
    return m_teachers.isEmpty() && m_classrooms.isEmpty() && m_students.isEmpty() && m_idMerges.isEmpty()
        && m_keptApart.isEmpty() && m_reopened.isEmpty();
}

json RosterDecisions::toJson() const
{
    json teachers = json::object();
    for (auto it = m_teachers.cbegin(); it != m_teachers.cend(); ++it) {
        json o = json::object();
        putOpt(o, "displayName", it->displayName);
        putOpt(o, "role", it->role);
        putOpt(o, "isSpecialist", it->isSpecialist);
        teachers[s(it.key())] = o;
    }
    json classrooms = json::object();
    for (auto it = m_classrooms.cbegin(); it != m_classrooms.cend(); ++it) {
        json o = json::object();
        putOpt(o, "name", it->name);
        putOpt(o, "homeroomTeacherEmail", it->homeroomTeacherEmail);
        putOpt(o, "specialistEmails", it->specialistEmails);
        classrooms[s(it.key())] = o;
    }
    json students = json::object();
    for (auto it = m_students.cbegin(); it != m_students.cend(); ++it) {
        json o = json::object();
        putOpt(o, "firstName", it->firstName);
        putOpt(o, "lastName", it->lastName);
        putOpt(o, "classCode", it->classCode);
        putOpt(o, "guardians", it->guardians);
        putOpt(o, "notes", it->notes);
        students[s(it.key())] = o;
    }
    json merges = json::object();
    for (auto it = m_idMerges.cbegin(); it != m_idMerges.cend(); ++it)
        merges[s(it.key())] = s(it.value());
    auto sortedList = [](const QSet<QString> &set) {
        QStringList l(set.begin(), set.end());
        l.sort();
        json a = json::array();
        for (const QString &v : l)
            a.push_back(s(v));
        return a;
    };
    json out{{"version", 1},
             {"teachers", teachers},
             {"classrooms", classrooms},
             {"students", students},
             {"studentIdMerges", merges}};
    if (!m_keptApart.isEmpty())
        out["studentIdsKeptApart"] = sortedList(m_keptApart);
    if (!m_reopened.isEmpty())
        out["reopenedSettlements"] = sortedList(m_reopened);
    return out;
}

RosterDecisions RosterDecisions::fromJson(const json &j)
{
    RosterDecisions d;
    if (j.is_null())
        return d;
    try {
        if (!j.is_object())
            throw ProjectError(QCoreApplication::translate("tt::RosterDecisions",
                                                           "The roster decisions in the project are not readable."));
        if (j.contains("teachers"))
            for (auto it = j.at("teachers").begin(); it != j.at("teachers").end(); ++it) {
                TeacherDecision t;
                getOpt(*it, "displayName", t.displayName);
                getOpt(*it, "role", t.role);
                getOpt(*it, "isSpecialist", t.isSpecialist);
                d.m_teachers.insert(teacherKey(QString::fromStdString(it.key())), t);
            }
        if (j.contains("classrooms"))
            for (auto it = j.at("classrooms").begin(); it != j.at("classrooms").end(); ++it) {
                ClassroomDecision c;
                getOpt(*it, "name", c.name);
                getOpt(*it, "homeroomTeacherEmail", c.homeroomTeacherEmail);
                getOpt(*it, "specialistEmails", c.specialistEmails);
                d.m_classrooms.insert(classroomKey(QString::fromStdString(it.key())), c);
            }
        if (j.contains("students"))
            for (auto it = j.at("students").begin(); it != j.at("students").end(); ++it) {
                StudentDecision st;
                getOpt(*it, "firstName", st.firstName);
                getOpt(*it, "lastName", st.lastName);
                getOpt(*it, "classCode", st.classCode);
                getOpt(*it, "guardians", st.guardians);
                getOpt(*it, "notes", st.notes);
                d.m_students.insert(studentKey(QString::fromStdString(it.key())), st);
            }
        if (j.contains("studentIdMerges"))
            for (auto it = j.at("studentIdMerges").begin(); it != j.at("studentIdMerges").end(); ++it)
                d.m_idMerges.insert(QString::fromStdString(it.key()), q(*it));
        if (j.contains("studentIdsKeptApart"))
            for (const json &v : j.at("studentIdsKeptApart"))
                d.m_keptApart.insert(studentKey(q(v)));
        if (j.contains("reopenedSettlements"))
            for (const json &v : j.at("reopenedSettlements"))
                d.m_reopened.insert(q(v));
    } catch (const json::exception &e) {
        throw ProjectError(QCoreApplication::translate("tt::RosterDecisions",
                                                       "The roster decisions in the project are damaged: %1")
                               .arg(QString::fromUtf8(e.what())));
    }
    return d;
}

} // namespace tt
