#pragma once
// Quarantined rows: where they came from, why, and their cells, editable in place. Committing an edit asks
// the Validate step's session to validate the row again (ValidationSession::fixQuarantinedCell).
#include <QAbstractTableModel>
#include <QStringList>

namespace tt {
class RecoverySession;
class ValidationSession;
}

namespace tt::ui {

class QuarantineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SourceColumn, RowColumn, ReasonColumn, DismissedColumn, FirstCellColumn };
    QuarantineModel(RecoverySession *session, ValidationSession *validation, QObject *parent = nullptr);

    void reload();
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

signals:
    // After an edit: accepted = the row passed validation and left the quarantine.
    void rowRevalidated(bool accepted, const QString &message);

private:
    RecoverySession *m_session;
    ValidationSession *m_validation;
    QStringList m_dismissals; // row -> the reason it was dismissed with (empty: not dismissed)
    int m_cells = 0;
    int m_rows = 0;
};

} // namespace tt::ui
