#pragma once
// Steps 9-12: the target database (identity banner, schema check, sandbox), the plan (a dry run), the commit
// (typed confirmation, verified backup) and the verification with the report. They show a DatabaseSession.
#include "wizardpage.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace tt {
class DatabaseSession;
class RosterSession;
}

namespace tt::ui {

class DatabasePage : public WizardPage
{
    Q_OBJECT
public:
    DatabasePage(RecoverySession *session, DatabaseSession *db, QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;

private:
    void refresh();
    DatabaseSession *m_db;
    QLineEdit *m_connection;
    QLabel *m_banner;
};

class PlanPage : public WizardPage
{
    Q_OBJECT
public:
    PlanPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;

private:
    void refresh();
    DatabaseSession *m_db;
    RosterSession *m_roster;
    QTextBrowser *m_text;
};

class CommitPage : public WizardPage
{
    Q_OBJECT
public:
    CommitPage(RecoverySession *session, DatabaseSession *db, QWidget *parent = nullptr);
    bool isComplete() const override;

private:
    void refresh();
    DatabaseSession *m_db;
    QLabel *m_what;
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
    VerifyPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent = nullptr);
    void initializePage() override;

private:
    void refresh();
    void saveReport();
    DatabaseSession *m_db;
    RosterSession *m_roster;
    QTextBrowser *m_result;
    QLabel *m_message;
};

} // namespace tt::ui
