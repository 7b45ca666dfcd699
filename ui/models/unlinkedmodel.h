#pragma once
// Accepted records that do not link to a student, a classroom or a teacher, with the reason.
#include "records/incidentrecord.h"

#include <QAbstractTableModel>
#include <memory>
#include <vector>

namespace tt {
class RecoverySession;
class RosterSession;
}

namespace tt::ui {

class UnlinkedModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { WhenColumn, StudentColumn, StudentIdColumn, ClassColumn, TeacherColumn, ReasonColumn, ColumnCount };
    UnlinkedModel(RecoverySession *session, RosterSession *roster, QObject *parent = nullptr);
    void reload();
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    RecoverySession *m_session;
    RosterSession *m_roster;
    std::shared_ptr<const std::vector<IncidentRecord>> m_records;
    std::vector<quint32> m_rows; // indices into accepted records / links
};

} // namespace tt::ui
