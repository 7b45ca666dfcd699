#pragma once
// The recovered incidents and commendations (accepted records), and a proxy that filters with an
// IncidentsSession's mask and sorts by comparing records directly (fast at a million rows).
#include "records/incidentrecord.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QTimeZone>
#include <memory>
#include <vector>

namespace tt {
class IncidentsSession;
}

namespace tt::ui {

class IncidentModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, TypeColumn, StudentColumn, StudentIdColumn, ClassColumn, TeacherColumn, LevelColumn,
                  CategoryColumn, LocationColumn, ActionColumn, NoteColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone);
    const IncidentRecord *record(int row) const;
    QString timeText(const IncidentRecord &r) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const std::vector<IncidentRecord>> m_records = std::make_shared<const std::vector<IncidentRecord>>();
    QTimeZone m_zone;
};

class IncidentProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    IncidentProxyModel(IncidentModel *source, IncidentsSession *filter, QObject *parent = nullptr);
    void refilter();
    // Compares the records themselves (no QVariant): fast enough to sort a million rows.
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    IncidentModel *m_source;
    IncidentsSession *m_filter;
};

} // namespace tt::ui
