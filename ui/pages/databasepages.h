#pragma once
// Steps 9-12: the target database (identity banner, schema check, sandbox), the plan (a dry run), the commit
// (typed confirmation, verified backup) and the verification with the report. They show a DatabaseSession.
#include "wizardpage.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;
class QTableView;
class QTreeView;
class QTreeWidget;

namespace tt {
class DatabaseSession;
class EnvCheckSession;
class ReadinessSession;
class RosterSession;
}

namespace tt::ui {

class PasswordStore;
class EnvCheckBox;

class DatabasePage : public WizardPage
{
    Q_OBJECT
public:
    // env: the .env check shown on the page (the wizard's); null: the page makes its own.
    DatabasePage(RecoverySession *session, DatabaseSession *db, EnvCheckSession *env, QWidget *parent = nullptr);
    DatabasePage(RecoverySession *session, DatabaseSession *db, QWidget *parent = nullptr)
        : DatabasePage(session, db, nullptr, parent)
    {
    }
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;
    EnvCheckBox *envCheck() const { return m_env; }

private:
    void refresh();
    // Reads the stored password of the connection now shown, once per connection identity.
    void lookUpStoredPassword();
    void rememberPassword();
    void showPasswordStatus(const QString &text, bool problem = false);
    void updatePasswordButtons();

    DatabaseSession *m_db;
    PasswordStore *m_store;
    QLineEdit *m_connection;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QPushButton *m_forget;
    QLabel *m_passwordStatus;
    QLabel *m_banner;
    EnvCheckBox *m_env;
    QString m_storeKey;              // the identity whose stored password was looked up
    bool m_passwordFromStore = false; // the field holds the stored password (not typed)
    bool m_stored = false;            // a password is in the store for m_storeKey
};

class PlanTreeModel;
class ReadinessModel;

// The plan as a review screen: the readiness list on top (clicking an item opens the step and row that
// resolve it), then one row per TrackTally table, expandable to the rows the recovery will create.
class PlanPage : public WizardPage
{
    Q_OBJECT
public:
    PlanPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, ReadinessSession *readiness,
             QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;
    ReadinessModel *readinessModel() const { return m_readinessModel; }
    PlanTreeModel *planModel() const { return m_planModel; }

public slots:
    // Writes the plan with its readiness list as JSON (the same as `plan --json`); false with a message when not.
    bool savePlanJsonTo(const QString &path);

signals:
    // The administrator asked to resolve an item: open that step (a readiness step name) on that row.
    void openItem(const QString &step, const QString &row);

private:
    void refresh();
    void refreshReadiness();
    DatabaseSession *m_db;
    RosterSession *m_roster;
    ReadinessSession *m_readiness;
    QLabel *m_summary;
    QPushButton *m_accept;
    QTableView *m_readinessView;
    ReadinessModel *m_readinessModel;
    QTreeView *m_planView;
    PlanTreeModel *m_planModel;
    QLabel *m_message;
};

class CommitPage : public WizardPage
{
    Q_OBJECT
public:
    CommitPage(RecoverySession *session, DatabaseSession *db, ReadinessSession *readiness, QWidget *parent = nullptr);
    bool isComplete() const override;
    QString attention() const override;

private:
    void refresh();
    DatabaseSession *m_db;
    ReadinessSession *m_readiness;
    QLabel *m_what;
    QLabel *m_blocked;
    QPushButton *m_accept;
    QLineEdit *m_confirm;
    QLineEdit *m_backupDir;
    QCheckBox *m_skipConflicting;
    QPushButton *m_commit;
    QTextBrowser *m_result;
};

class VerifyPage : public WizardPage
{
    Q_OBJECT
public:
    enum class ReportFormat {
        Html, // the page for people (as `report --html`)
        Pdf,  // the same page printed on A4, page numbers at the bottom
        Json, // as `report --json`, for programs
        Csv,  // as `report --csv-dir`: teachers, classrooms, students and quarantine .csv in a folder
    };
    Q_ENUM(ReportFormat)

    VerifyPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent = nullptr);
    void initializePage() override;

public slots:
    // Writes the report (atomically; for Csv, path is a folder) and says what happened below the result.
    // Returns false, with a message saying what to do, when it could not be written.
    bool saveReportTo(const QString &path, tt::ui::VerifyPage::ReportFormat format);

private:
    void refresh();
    void saveReport(ReportFormat format); // asks where (file or folder), then saveReportTo
    DatabaseSession *m_db;
    RosterSession *m_roster;
    QTreeWidget *m_checklist;
    QTextBrowser *m_result;
    QLabel *m_message;
};

} // namespace tt::ui
