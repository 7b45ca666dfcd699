#include "unlinkedmodel.h"

#include "session/recoverysession.h"
#include "session/rostersession.h"

#include <QDateTime>

namespace tt::ui {

UnlinkedModel::UnlinkedModel(RecoverySession *session, RosterSession *roster, QObject *parent)
    : QAbstractTableModel(parent), m_session(session), m_roster(roster)
{
    connect(roster, &RosterSession::rosterChanged, this, &UnlinkedModel::reload);
    reload();
}

void UnlinkedModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_records.reset();
    const auto &links = m_roster->roster().links;
    if (m_roster->isBuilt() && m_session->hasProject()) {
        m_records = m_session->accepted();
        if (links.size() == m_records->size()) {
            for (size_t i = 0; i < links.size(); ++i)
                if (links[i].studentId.isEmpty() || links[i].classCode.isEmpty() || links[i].teacherEmail.isEmpty())
                    m_rows.push_back(quint32(i));
        }
    }
    endResetModel();
}

int UnlinkedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UnlinkedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UnlinkedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const quint32 i = m_rows[size_t(index.row())];
    const IncidentRecord &r = (*m_records)[i];
    const RecordLink &l = m_roster->roster().links[i];
    switch (index.column()) {
    case WhenColumn:
        return QDateTime::fromMSecsSinceEpoch(r.timestampMs, QTimeZone::utc())
            .toTimeZone(m_session->project().timeZone())
            .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case StudentColumn: return r.studentName;
    case StudentIdColumn: return r.studentId;
    case ClassColumn: return r.classCode;
    case TeacherColumn: return r.teacherEmail;
    case ReasonColumn: {
        QStringList why;
        if (l.studentId.isEmpty())
            why << (l.studentReason.isEmpty() ? tr("No student") : tr("Student: %1").arg(l.studentReason));
        if (l.classCode.isEmpty())
            why << (l.classroomReason.isEmpty() ? tr("No classroom") : tr("Classroom: %1").arg(l.classroomReason));
        if (l.teacherEmail.isEmpty())
            why << tr("Teacher: not in the teacher list");
        return why.join(QStringLiteral("; "));
    }
    }
    return {};
}

QVariant UnlinkedModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case WhenColumn: return tr("When");
    case StudentColumn: return tr("Student");
    case StudentIdColumn: return tr("Student ID");
    case ClassColumn: return tr("Class");
    case TeacherColumn: return tr("Teacher");
    case ReasonColumn: return tr("Why it is not linked");
    }
    return {};
}

} // namespace tt::ui
