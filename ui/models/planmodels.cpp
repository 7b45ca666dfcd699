#include "planmodels.h"

#include <QDateTime>
#include <QFont>
#include <QHash>
#include <QLocale>
#include <QSet>

namespace tt::ui {

using namespace Qt::StringLiterals;

// Readiness

ReadinessModel::ReadinessModel(QObject *parent) : QAbstractTableModel(parent) {}

void ReadinessModel::setItems(const std::vector<ReadinessItem> &items)
{
    beginResetModel();
    m_items = items;
    endResetModel();
}

int ReadinessModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int ReadinessModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ReadinessModel::kindText(const QString &kind)
{
    static const QHash<QString, const char *> texts{
        {u"openQuestion"_s, QT_TR_NOOP("Open question")},
        {u"probableDuplicate"_s, QT_TR_NOOP("Probable duplicate student")},
        {u"crossSchoolConflict"_s, QT_TR_NOOP("Row of another school")},
        {u"teacherWithoutName"_s, QT_TR_NOOP("Teacher without a name")},
        {u"quarantined"_s, QT_TR_NOOP("Quarantined rows")},
        {u"conflictingDuplicate"_s, QT_TR_NOOP("Duplicate left on the default")},
        {u"unlinkedLogs"_s, QT_TR_NOOP("Logs that stay unlinked")},
        {u"targetEnvironment"_s, QT_TR_NOOP("Target looks like another environment")},
    };
    const char *t = texts.value(kind);
    return t ? tr(t) : kind;
}

QVariant ReadinessModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_items.size()))
        return {};
    const ReadinessItem &i = m_items[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return i.isBlocking() ? tr("Blocking") : tr("Warning");
        case KindColumn:
            return kindText(i.kind);
        case SubjectColumn:
            return i.subject;
        case DetailColumn:
            return i.detail;
        }
        break;
    case Qt::ToolTipRole:
        return i.suggestion.isEmpty() ? i.detail : tr("%1\nSuggested: %2").arg(i.detail, i.suggestion);
    case Qt::FontRole:
        if (index.column() == SeverityColumn && i.isBlocking()) {
            QFont f;
            f.setBold(true);
            return f;
        }
        break;
    case StepRole:
        return i.step;
    case RowKeyRole:
        return i.row;
    case BlockingRole:
        return i.isBlocking();
    }
    return {};
}

QVariant ReadinessModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case KindColumn:
        return tr("What");
    case SubjectColumn:
        return tr("About");
    case DetailColumn:
        return tr("Detail");
    }
    return {};
}

// Plan tree: internalId 0 = a table row; table + 1 = a row under that table.

PlanTreeModel::PlanTreeModel(QObject *parent) : QAbstractItemModel(parent) {}

void PlanTreeModel::setPlan(const RecoveryPlan *plan, const SchoolInfo &school, const Roster &roster,
                            std::shared_ptr<const std::vector<IncidentRecord>> records)
{
    beginResetModel();
    m_tables.clear();
    m_records.reset();
    m_incidentAccepted.clear();
    m_incidentTable = -1;
    if (plan) {
        QHash<QString, QSet<QString>> conflicting; // table -> keys
        for (const RowConflict &c : plan->conflicts)
            conflicting[c.table].insert(c.key.toCaseFolded());
        auto isConflicting = [&](const char *table, const QString &key) {
            return conflicting.value(QString::fromLatin1(table)).contains(key.toCaseFolded());
        };
        Table org{u"Organization"_s, plan->organization, {}};
        org.rows.push_back({school.domain, school.name, false});
        m_tables.push_back(std::move(org));
        Table teachers{u"Teacher"_s, plan->teachers, {}};
        for (const TeacherDraft &t : roster.teachers)
            teachers.rows.push_back({t.email, tr("%1, %2%3").arg(t.displayName.isEmpty() ? tr("(no name)") : t.displayName, t.role,
                                                              t.isSpecialist ? tr(", specialist") : QString()),
                                     isConflicting("Teacher", t.email)});
        m_tables.push_back(std::move(teachers));
        Table classrooms{u"Classroom"_s, plan->classrooms, {}};
        Table teacherClasses{u"TeacherClass"_s, plan->teacherClasses, {}};
        for (const ClassroomDraft &c : roster.classrooms) {
            classrooms.rows.push_back({c.code, tr("%1, homeroom %2").arg(c.name, c.homeroomTeacherEmail.isEmpty() ? tr("(none)") : c.homeroomTeacherEmail),
                                       isConflicting("Classroom", c.code)});
            for (const QString &e : c.specialistEmails)
                teacherClasses.rows.push_back({c.code + u" ↔ "_s + e, tr("specialist"), false});
        }
        m_tables.push_back(std::move(classrooms));
        m_tables.push_back(std::move(teacherClasses));
        Table students{u"Student"_s, plan->students, {}};
        for (const StudentDraft &s : roster.students)
            students.rows.push_back({s.studentId,
                                     tr("%1 %2, %3").arg(s.firstName, s.lastName, s.classCode.isEmpty() ? tr("no class") : s.classCode),
                                     isConflicting("Student", s.studentId)});
        m_tables.push_back(std::move(students));
        m_tables.push_back(Table{u"Incident"_s, plan->incidents, {}});
        m_incidentTable = int(m_tables.size()) - 1;
        m_records = std::move(records);
        m_incidentAccepted = plan->incidentAccepted;
    }
    endResetModel();
}

QModelIndex PlanTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex PlanTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int PlanTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_tables.size());
    if (parent.internalId() != 0 || parent.column() != 0 || parent.row() >= int(m_tables.size()))
        return 0;
    if (parent.row() == m_incidentTable)
        return m_records ? int(std::min(m_records->size(), m_incidentAccepted.size())) : 0;
    return int(m_tables[size_t(parent.row())].rows.size());
}

int PlanTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant PlanTreeModel::tableData(const Table &t, int column, int role) const
{
    if (role == Qt::FontRole && column == NameColumn) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && column != NameColumn && column != DetailsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case NameColumn:
        return t.name;
    case InsertColumn:
        return QLocale().toString(t.counts.toInsert);
    case ExistingColumn:
        return QLocale().toString(t.counts.existing);
    case ConflictingColumn:
        return QLocale().toString(t.counts.conflicting);
    case DetailsColumn:
        return t.counts.conflicting > 0 ? tr("%Ln row(s) belong to another school", nullptr, int(t.counts.conflicting))
                                        : QString();
    }
    return {};
}

QVariant PlanTreeModel::rowData(int table, int row, int column, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    QString key, details;
    bool conflicting = false;
    if (table == m_incidentTable) {
        const IncidentRecord &r = (*m_records)[size_t(row)];
        key = r.uuid;
        details = tr("%1, %2 (%3), %4").arg(QDateTime::fromMSecsSinceEpoch(r.timestampMs, Qt::UTC).toString(Qt::ISODate),
                                           r.studentName, r.studentId, r.category);
        conflicting = !m_incidentAccepted[size_t(row)];
    } else {
        const Row &rw = m_tables[size_t(table)].rows[size_t(row)];
        key = rw.key;
        details = rw.details;
        conflicting = rw.conflicting;
    }
    switch (column) {
    case NameColumn:
        return key;
    case InsertColumn: {
        if (conflicting)
            return QString();
        const TablePlan &counts = m_tables[size_t(table)].counts;
        if (counts.existing == 0)
            return tr("to insert");
        return counts.toInsert == 0 ? tr("already there") : tr("to insert, or already there");
    }
    case ConflictingColumn:
        return conflicting ? tr("another school's") : QString();
    case DetailsColumn:
        return details;
    }
    return {};
}

QVariant PlanTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == 0)
        return index.row() < int(m_tables.size()) ? tableData(m_tables[size_t(index.row())], index.column(), role) : QVariant();
    const int table = int(index.internalId() - 1);
    if (table < 0 || table >= int(m_tables.size()) || index.row() >= rowCount(index.parent()))
        return {};
    return rowData(table, index.row(), index.column(), role);
}

QVariant PlanTreeModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Table / row");
    case InsertColumn:
        return tr("To insert");
    case ExistingColumn:
        return tr("Already there");
    case ConflictingColumn:
        return tr("Conflicting");
    case DetailsColumn:
        return tr("Details");
    }
    return {};
}

} // namespace tt::ui
