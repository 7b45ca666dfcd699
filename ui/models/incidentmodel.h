#pragma once
// The recovered incidents and commendations (accepted records), and a proxy that shows the rows an
// IncidentsSession filtered and sorted on a worker thread (fast at a million rows; the GUI thread only swaps
// the result in).
#include "records/incidentrecord.h"

#include <QAbstractTableModel>
#include <QAbstractProxyModel>
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

class IncidentProxyModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    IncidentProxyModel(IncidentModel *source, IncidentsSession *filter, QObject *parent = nullptr);
    // Takes the session's newest rows (connect to IncidentsSession::filterChanged).
    void refilter();
    // The list's order of two source rows for left's column (as the session sorts).
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const;
    // Asks the session to sort (on its worker thread); the rows change when it is done.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    IncidentModel *m_source;
    IncidentsSession *m_filter;
    std::shared_ptr<const std::vector<int>> m_rows = std::make_shared<const std::vector<int>>();
    mutable std::vector<int> m_proxyRowOf; // source row -> shown row (-1 hidden), built when first asked
};

} // namespace tt::ui
