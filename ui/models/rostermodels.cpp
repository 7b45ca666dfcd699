#include "rostermodels.h"

#include "session/rostersession.h"

#include <QApplication>
#include <QFont>
#include <QIcon>
#include <QStyle>

namespace tt::ui {

RosterTableModel::RosterTableModel(RosterSession *roster, QObject *parent) : QAbstractTableModel(parent), m_roster(roster)
{
    connect(roster, &RosterSession::rosterChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(roster, &RosterSession::rowsEdited, this, [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
}

int RosterTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : rows();
}

QVariant RosterTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    const QStringList h = headers();
    return section >= 0 && section < h.size() ? QVariant(h.at(section)) : QVariant();
}

QVariant RosterTableModel::badge(const QStringList &problems, int role) const
{
    switch (role) {
    case Qt::DisplayRole: return problems.isEmpty() ? QString() : QString::number(problems.size());
    case Qt::DecorationRole:
        return problems.isEmpty() ? QVariant() : QVariant(QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning));
    case Qt::ToolTipRole: return problems.isEmpty() ? tr("Nothing to check") : problems.join(u'\n');
    case Qt::AccessibleTextRole:
        return problems.isEmpty() ? tr("No problems") : tr("%n problem(s): %1", nullptr, int(problems.size())).arg(problems.join(u' '));
    case ProblemRole: return problems;
    }
    return {};
}

QVariant RosterTableModel::status(bool decided, const QString &evidence, int role) const
{
    if (role == Qt::DisplayRole)
        return decided ? tr("Confirmed") : tr("Suggestion");
    if (role == Qt::ToolTipRole)
        return evidence.isEmpty() ? QVariant() : QVariant(evidence);
    if (role == Qt::FontRole && !decided) {
        QFont f;
        f.setItalic(true);
        return f;
    }
    return {};
}

// Teachers

int TeacherModel::rows() const { return int(m_roster->roster().teachers.size()); }
int TeacherModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QStringList TeacherModel::headers() const
{
    return {tr("To check"), tr("Status"), tr("Email"), tr("Display name"), tr("Role"), tr("Specialist"), tr("Incidents"),
            tr("Commendations"), tr("Classes"), tr("Evidence")};
}

QVariant TeacherModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const TeacherDraft &t = m_roster->roster().teachers[size_t(index.row())];
    if (role == KeyRole)
        return t.email;
    const QString evidence = [&] {
        QStringList e;
        if (!t.displayNameSource.isEmpty())
            e << tr("Name from: %1").arg(t.displayNameSource);
        if (!t.specialistEvidence.isEmpty())
            e << tr("Specialist: %1").arg(t.specialistEvidence);
        if (!t.roleSource.isEmpty())
            e << tr("Role from: %1").arg(t.roleSource);
        return e.join(u"; ");
    }();
    switch (index.column()) {
    case ProblemColumn: return badge(m_roster->teacherProblems(t), role);
    case StatusColumn: return status(t.decided, evidence, role);
    case SpecialistColumn:
        if (role == Qt::CheckStateRole)
            return t.isSpecialist ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::DisplayRole)
            return t.isSpecialist ? tr("Yes") : tr("No");
        if (role == Qt::ToolTipRole)
            return t.specialistEvidence;
        return {};
    default: break;
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case EmailColumn: return t.email;
    case NameColumn:
        if (role == Qt::ToolTipRole)
            return t.displayNameSource.isEmpty() ? tr("No name found: type it") : tr("From: %1").arg(t.displayNameSource);
        return t.displayName;
    case RoleColumn: return role == Qt::EditRole ? t.role : (t.role == u"admin" ? tr("Admin") : tr("Teacher"));
    case IncidentsColumn: return t.incidents;
    case CommendationsColumn: return t.commendations;
    case ClassesColumn: return t.classes.join(QStringLiteral(", "));
    case EvidenceColumn: return evidence;
    }
    return {};
}

bool TeacherModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const QString email = m_roster->roster().teachers[size_t(index.row())].email;
    if (index.column() == SpecialistColumn && role == Qt::CheckStateRole) {
        m_roster->setTeacherSpecialist({email}, value.toInt() == Qt::Checked);
        return true;
    }
    if (role != Qt::EditRole)
        return false;
    if (index.column() == NameColumn) {
        m_roster->setTeacherDisplayName(email, value.toString());
        return true;
    }
    if (index.column() == RoleColumn) {
        const QString v = value.toString().trimmed().toLower();
        if (v != u"admin" && v != u"teacher")
            return false;
        m_roster->setTeacherRole({email}, v);
        return true;
    }
    return false;
}

Qt::ItemFlags TeacherModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == NameColumn || index.column() == RoleColumn)
        f |= Qt::ItemIsEditable;
    if (index.column() == SpecialistColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

// Classrooms

int ClassroomModel::rows() const { return int(m_roster->roster().classrooms.size()); }
int ClassroomModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QStringList ClassroomModel::headers() const
{
    return {tr("To check"), tr("Status"), tr("Code"), tr("Name"), tr("Homeroom teacher"), tr("Specialists"),
            tr("Students"), tr("Logs"), tr("Why this teacher")};
}

QVariant ClassroomModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ClassroomDraft &c = m_roster->roster().classrooms[size_t(index.row())];
    if (role == KeyRole)
        return c.code;
    switch (index.column()) {
    case ProblemColumn: return badge(m_roster->classroomProblems(c), role);
    case StatusColumn: return status(c.decided, c.homeroomEvidence, role);
    default: break;
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case CodeColumn: return c.code;
    case NameColumn: return c.name;
    case HomeroomColumn: return role == Qt::ToolTipRole ? c.homeroomEvidence : c.homeroomTeacherEmail;
    case EvidenceColumn: return c.homeroomEvidence;
    case SpecialistsColumn: return role == Qt::ToolTipRole ? c.specialistEvidence : c.specialistEmails.join(QStringLiteral(", "));
    case StudentsColumn: return c.students;
    case LogsColumn: return c.logs;
    }
    return {};
}

bool ClassroomModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const QString code = m_roster->roster().classrooms[size_t(index.row())].code;
    if (index.column() == NameColumn) {
        m_roster->setClassroomName(code, value.toString());
        return true;
    }
    if (index.column() == HomeroomColumn) {
        m_roster->setHomeroom(code, value.toString());
        return true;
    }
    return false;
}

Qt::ItemFlags ClassroomModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == NameColumn || index.column() == HomeroomColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

// Students

int StudentModel::rows() const { return int(m_roster->roster().students.size()); }
int StudentModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QStringList StudentModel::headers() const
{
    return {tr("To check"), tr("Status"), tr("Student ID"), tr("First name"), tr("Last name"), tr("Class"), tr("Logs"),
            tr("Guardians"), tr("Notes"), tr("Other spellings seen"), tr("Class history")};
}

QVariant StudentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const StudentDraft &s = m_roster->roster().students[size_t(index.row())];
    if (role == KeyRole)
        return s.studentId;
    switch (index.column()) {
    case ProblemColumn: return badge(m_roster->studentProblems(s), role);
    case StatusColumn: {
        QStringList e;
        if (!s.nameEvidence.isEmpty())
            e << s.nameEvidence;
        if (!s.classEvidence.isEmpty())
            e << s.classEvidence;
        return status(s.decided, e.join(u'\n'), role);
    }
    default: break;
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        if (role == Qt::ToolTipRole && !s.loggedIds.isEmpty())
            return tr("Logged as: %1").arg(s.loggedIds.join(QStringLiteral(", ")));
        return s.studentId;
    case FirstColumn: return role == Qt::ToolTipRole ? s.nameEvidence : s.firstName;
    case LastColumn: return role == Qt::ToolTipRole ? s.nameEvidence : s.lastName;
    case ClassColumn: return role == Qt::ToolTipRole ? s.classEvidence : s.classCode;
    case GuardiansColumn: return s.guardians;
    case NotesColumn: return s.notes;
    case VariantsColumn: return s.nameVariants.join(QStringLiteral("; "));
    case HistoryColumn: {
        QStringList h;
        for (const ClassStint &st : s.classHistory)
            h << tr("%1 (%n logs)", nullptr, st.logs).arg(st.classCode);
        return h.join(QStringLiteral(" → "));
    }
    case LogsColumn: return s.logs;
    }
    return {};
}

bool StudentModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const StudentDraft &s = m_roster->roster().students[size_t(index.row())];
    const QString id = s.studentId;
    switch (index.column()) {
    case FirstColumn: m_roster->setStudentName(id, value.toString(), s.lastName); return true;
    case LastColumn: m_roster->setStudentName(id, s.firstName, value.toString()); return true;
    case ClassColumn: m_roster->setStudentClass({id}, value.toString()); return true;
    case GuardiansColumn: m_roster->setStudentGuardians(id, value.toString()); return true;
    case NotesColumn: m_roster->setStudentNotes(id, value.toString()); return true;
    }
    return false;
}

Qt::ItemFlags StudentModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    switch (index.column()) {
    case FirstColumn: case LastColumn: case ClassColumn: case GuardiansColumn: case NotesColumn:
        f |= Qt::ItemIsEditable;
        break;
    default: break;
    }
    return f;
}

} // namespace tt::ui
