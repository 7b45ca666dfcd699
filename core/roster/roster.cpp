#include "roster.h"

#include <algorithm>

namespace tt {

const TeacherDraft *Roster::teacher(const QString &email) const
{
    const QString key = email.trimmed().toCaseFolded();
    auto it = std::lower_bound(teachers.begin(), teachers.end(), key,
                               [](const TeacherDraft &t, const QString &k) { return t.email < k; });
    return it != teachers.end() && it->email == key ? &*it : nullptr;
}

const ClassroomDraft *Roster::classroom(const QString &code) const
{
    const QString key = code.trimmed();
    auto it = std::lower_bound(classrooms.begin(), classrooms.end(), key, [](const ClassroomDraft &c, const QString &k) {
        return QString::compare(c.code, k, Qt::CaseInsensitive) < 0;
    });
    return it != classrooms.end() && QString::compare(it->code, key, Qt::CaseInsensitive) == 0 ? &*it : nullptr;
}

const StudentDraft *Roster::student(const QString &studentId) const
{
    const QString key = studentId.trimmed();
    auto it = std::lower_bound(students.begin(), students.end(), key,
                               [](const StudentDraft &s, const QString &k) { return s.studentId < k; });
    return it != students.end() && it->studentId == key ? &*it : nullptr;
}

} // namespace tt
