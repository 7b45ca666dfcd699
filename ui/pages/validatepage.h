#pragma once
// Step 3: the accounting (read = accepted + duplicates + quarantined), quarantined rows fixed in place,
// conflicting duplicates compared side by side, and the quarantine exported to CSV.
#include "wizardpage.h"

class QLabel;
class QLineEdit;
class QTableView;
class QTabWidget;
class QPushButton;

namespace tt {
class ValidationSession;
}

namespace tt::ui {

class QuarantineModel;
class DuplicateGroupModel;
class DuplicateCompareModel;

class ValidatePage : public WizardPage
{
    Q_OBJECT
public:
    ValidatePage(RecoverySession *session, ValidationSession *validation, QWidget *parent = nullptr);
    QString attention() const override;
    void initializePage() override;
    // key: the index of a quarantined row, or the uuid of a duplicate group
    void showRow(const QString &key) override;

    QuarantineModel *quarantineModel() const { return m_quarantine; }

private:
    void refreshCounts();
    void showGroup();
    void keepVersion(int column);
    void exportQuarantine();
    void dismissSelected();
    void restoreSelected();
    void updateDismissButtons();

    ValidationSession *m_validation;
    QLabel *m_accounting;
    QLabel *m_message;
    QTabWidget *m_tabs;
    QTableView *m_quarantineView;
    QuarantineModel *m_quarantine;
    QLineEdit *m_dismissReason;
    QPushButton *m_dismiss;
    QPushButton *m_restore;
    QTableView *m_groupView;
    DuplicateGroupModel *m_groups;
    QTableView *m_compareView;
    DuplicateCompareModel *m_compare;
    QPushButton *m_keep;
};

} // namespace tt::ui
