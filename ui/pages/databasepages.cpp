#include "databasepages.h"

#include "envcheckbox.h"
#include "passwordstore.h"
#include "common/privatefile.h"
#include "pdfprint.h"
#include "theme.h"
#include "database/connectionspec.h"
#include "report/reportwriter.h"
#include "roster/rosterproject.h"
#include "session/databasesession.h"
#include "session/envchecksession.h"
#include "session/recoverysession.h"
#include "session/readinesssession.h"
#include "session/rostersession.h"
#include "models/planmodels.h"

#include <QAction>
#include <QCheckBox>
#include <QCoreApplication>
#include <QMenu>
#include <QMetaEnum>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHeaderView>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace tt::ui {

namespace {
QString pre(const QString &text)
{
    return QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>").arg(text.toHtmlEscaped());
}
QTextBrowser *browser(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *b = new QTextBrowser(parent);
    b->setObjectName(name);
    b->setAccessibleName(accessible);
    return b;
}
} // namespace

// Target database

DatabasePage::DatabasePage(RecoverySession *session, DatabaseSession *db, EnvCheckSession *env, QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_store(new PasswordStore(this)), m_env(new EnvCheckBox(env ? env : new EnvCheckSession(session, db, this), this))
{
    setObjectName(QStringLiteral("databasePage"));
    setTitle(tr("Target database"));
    setSubTitle(tr("Say which TrackTally database to restore into. Nothing is written until the Commit step. "
                   "Rehearse on a private practice database (sandbox) first."));
    m_connection = new QLineEdit(this);
    m_connection->setObjectName(QStringLiteral("connectionEdit"));
    m_connection->setAccessibleName(tr("Database connection"));
    m_connection->setPlaceholderText(tr("postgresql://user@host/dbname, host=… dbname=…, or a service name"));
    auto *connectButton = new QPushButton(tr("&Connect and check"), this);
    connectButton->setObjectName(QStringLiteral("connectButton"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setAccessibleName(tr("Database password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("Only if the database asks for one"));
    m_remember = new QCheckBox(tr("&Remember this password in this computer's password store"), this);
    m_remember->setObjectName(QStringLiteral("rememberPasswordCheck"));
    m_remember->setToolTip(tr("Kept by the operating system's password store (the keyring), never in the project file."));
    m_forget = new QPushButton(tr("&Forget the saved password"), this);
    m_forget->setObjectName(QStringLiteral("forgetPasswordButton"));
    m_passwordStatus = new QLabel(this);
    m_passwordStatus->setObjectName(QStringLiteral("passwordStatus"));
    m_passwordStatus->setWordWrap(true);
    auto *sandbox = new QPushButton(tr("Use a private &practice database"), this);
    sandbox->setObjectName(QStringLiteral("sandboxButton"));
    sandbox->setToolTip(tr("Starts a PostgreSQL server on this computer only, with TrackTally's tables, to rehearse on."));
    auto *hint = new QLabel(tr("The password is never saved in the project. Leave it empty when libpq finds it in "
                               "PGPASSWORD, ~/.pgpass or the service file."), this);
    hint->setWordWrap(true);
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("databaseBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *label = new QLabel(tr("Co&nnection:"), this);
    label->setBuddy(m_connection);
    auto *passwordLabel = new QLabel(tr("Pass&word:"), this);
    passwordLabel->setBuddy(m_password);
    auto *grid = new QGridLayout;
    grid->addWidget(label, 0, 0);
    grid->addWidget(m_connection, 0, 1);
    grid->addWidget(connectButton, 0, 2);
    grid->addWidget(passwordLabel, 1, 0);
    grid->addWidget(m_password, 1, 1);
    auto *rememberRow = new QHBoxLayout;
    rememberRow->addWidget(m_remember);
    rememberRow->addWidget(m_forget);
    rememberRow->addStretch();
    grid->addLayout(rememberRow, 2, 1, 1, 2);
    grid->addWidget(m_passwordStatus, 3, 1, 1, 2);
    grid->setColumnStretch(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(hint);
    layout->addWidget(sandbox, 0, Qt::AlignLeft);
    layout->addWidget(m_env);
    auto *bannerScroll = new QScrollArea(this); // the banner scrolls when the .env check needs the room
    bannerScroll->setObjectName(QStringLiteral("databaseBannerScroll"));
    bannerScroll->setWidget(m_banner);
    bannerScroll->setWidgetResizable(true);
    bannerScroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(bannerScroll, 1);

    connect(m_connection, &QLineEdit::editingFinished, this, [this] {
        m_db->setConnection(m_connection->text());
        lookUpStoredPassword();
    });
    connect(m_password, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_passwordFromStore = false;
        m_db->setPassword(text);
        showPasswordStatus(QString());
    });
    connect(connectButton, &QPushButton::clicked, this, [this] {
        m_db->setConnection(m_connection->text());
        m_db->setPassword(m_password->text());
        m_db->connectToDatabase();
    });
    connect(sandbox, &QPushButton::clicked, this, [this] {
        const QString dir = QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/practice-database");
        m_db->startSandbox(dir);
    });
    connect(m_remember, &QCheckBox::toggled, this, [this](bool on) {
        if (on && m_db->isConnected())
            rememberPassword();
    });
    connect(m_forget, &QPushButton::clicked, this, [this] {
        const QString key = PasswordStore::keyFor(m_db->connection());
        if (!key.isEmpty())
            m_store->forget(key);
    });
    connect(db, &DatabaseSession::connected, this, [this] {
        if (m_remember->isChecked())
            rememberPassword();
    });
    connect(m_store, &PasswordStore::readFinished, this,
            [this](const QString &key, const QString &password, PasswordStore::Result result, const QString &) {
                if (key != m_storeKey)
                    return; // the connection changed meanwhile
                m_stored = result == PasswordStore::Result::Ok && !password.isEmpty();
                if (m_stored && (m_password->text().isEmpty() || m_passwordFromStore)) {
                    m_password->setText(password);
                    m_passwordFromStore = true;
                    m_db->setPassword(password);
                    m_remember->setChecked(true);
                    showPasswordStatus(tr("Password from this computer's password store."));
                }
                // no store, or nothing stored: say nothing until the administrator asks to remember one
                updatePasswordButtons();
            });
    connect(m_store, &PasswordStore::writeFinished, this, [this](const QString &key, PasswordStore::Result result, const QString &message) {
        if (result == PasswordStore::Result::Ok) {
            m_storeKey = key;
            m_stored = true;
            showPasswordStatus(tr("Password saved in this computer's password store for %1.").arg(key));
        } else {
            m_remember->setChecked(false); // nothing was remembered: the box must not say otherwise
            showPasswordStatus(message, true);
        }
        updatePasswordButtons();
    });
    connect(m_store, &PasswordStore::forgetFinished, this, [this](const QString &, PasswordStore::Result result, const QString &message) {
        if (result == PasswordStore::Result::Ok || result == PasswordStore::Result::NotFound) {
            m_stored = false;
            m_passwordFromStore = false;
            m_remember->setChecked(false);
            showPasswordStatus(tr("The saved password was removed from this computer's password store. "
                                  "It is still used until you close TrackTally Recovery."));
        } else {
            showPasswordStatus(message, true);
        }
        updatePasswordButtons();
    });
    connect(db, &DatabaseSession::changed, this, &DatabasePage::refresh);
    refresh();
    updatePasswordButtons();
}

void DatabasePage::lookUpStoredPassword()
{
    const QString key = PasswordStore::keyFor(m_db->connection());
    if (key == m_storeKey)
        return;
    if (m_passwordFromStore) { // it belonged to the previous connection
        m_password->clear();
        m_db->setPassword(QString());
        m_passwordFromStore = false;
        showPasswordStatus(QString());
    }
    m_storeKey = key;
    m_stored = false;
    updatePasswordButtons();
    if (!key.isEmpty())
        m_store->read(key);
}

void DatabasePage::rememberPassword()
{
    QString password = m_password->text();
    if (password.isEmpty()) { // typed into the URL: used, and stored only because the administrator asked
        try {
            password = ConnectionSpec::parse(m_db->connection()).password();
        } catch (const std::exception &) {
        }
    }
    const QString key = PasswordStore::keyFor(m_db->connection());
    if (password.isEmpty() || key.isEmpty() || (m_passwordFromStore && m_stored && key == m_storeKey))
        return; // nothing to remember, or it is the stored one already
    m_store->write(key, password);
}

void DatabasePage::showPasswordStatus(const QString &text, bool problem)
{
    m_passwordStatus->setText(text);
    theme::setProblem(m_passwordStatus, problem);
}

void DatabasePage::updatePasswordButtons()
{
    m_forget->setEnabled(m_stored);
}

void DatabasePage::initializePage()
{
    m_connection->setText(m_db->connection());
    refresh();
    lookUpStoredPassword();
}

bool DatabasePage::isComplete() const
{
    return WizardPage::isComplete() && m_db->isConnected();
}

QString DatabasePage::attention() const
{
    if (m_db->schema() && !m_db->schema()->ok())
        return tr("Not TrackTally's schema");
    return {};
}

void DatabasePage::refresh()
{
    if (m_connection->text() != m_db->connection() && !m_connection->hasFocus()) {
        m_connection->setText(m_db->connection());
        if (isVisible())
            lookUpStoredPassword(); // e.g. the practice database was started
    }
    if (!m_db->identity()) {
        m_banner->setText(tr("Not connected yet."));
        m_banner->setStyleSheet(QString());
    } else {
        QString text = m_db->identity()->describe();
        if (m_db->schema()) {
            const SchemaReport &schema = *m_db->schema();
            const bool complete = schema.ok() && schema.optionalColumnsMissing.isEmpty();
            text += QStringLiteral("\n\n") + (complete ? tr("TrackTally's tables are all there.") : schema.describe());
        }
        if (m_db->privileges() && !m_db->privileges()->ok())
            text += QStringLiteral("\n\n") + m_db->privileges()->describe();
        m_banner->setText(text);
        // a database that cannot be used: a heavier frame and the words above, never only a colour
        QString style = theme::panelStyleSheet();
        if (!m_db->isConnected())
            style.replace(QStringLiteral("1px solid palette(mid)"), QStringLiteral("3px solid palette(text)"));
        m_banner->setStyleSheet(style);
    }
    emit completeChanged();
}

// Plan

PlanPage::PlanPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, ReadinessSession *readiness,
                   QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_roster(roster), m_readiness(readiness)
{
    setObjectName(QStringLiteral("planPage"));
    setTitle(tr("Plan"));
    setSubTitle(tr("Review before writing: what is not ready yet, and exactly what would be inserted, what is already "
                   "there and skipped, and what collides with another school's rows. Existing rows are never changed."));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("readinessSummary"));
    m_summary->setWordWrap(true);
    m_accept = new QPushButton(tr("&Accept every suggestion"), this);
    m_accept->setObjectName(QStringLiteral("planAcceptSuggestionsButton"));
    m_accept->setToolTip(tr("Answers every open question with its suggested answer in one step (Edit > Undo takes it back)."));
    m_readinessModel = new ReadinessModel(this);
    m_readinessView = new QTableView(this);
    m_readinessView->setObjectName(QStringLiteral("readinessView"));
    m_readinessView->setAccessibleName(tr("What is not ready"));
    m_readinessView->setModel(m_readinessModel);
    m_readinessView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_readinessView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_readinessView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_readinessView->setWordWrap(false);
    m_readinessView->verticalHeader()->hide();
    m_readinessView->horizontalHeader()->setStretchLastSection(true);
    m_readinessView->setToolTip(tr("Click an item to open the step and row where it is resolved."));
    auto *again = new QPushButton(tr("&Make the plan again"), this);
    again->setObjectName(QStringLiteral("planButton"));
    auto *save = new QPushButton(tr("&Save plan as JSON…"), this);
    save->setObjectName(QStringLiteral("savePlanJsonButton"));
    m_planModel = new PlanTreeModel(this);
    m_planView = new QTreeView(this);
    m_planView->setObjectName(QStringLiteral("planTree"));
    m_planView->setAccessibleName(tr("The plan, per table"));
    m_planView->setModel(m_planModel);
    m_planView->setUniformRowHeights(true);
    m_planView->setAlternatingRowColors(true);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("planMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_accept);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(again);
    buttons->addWidget(save);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_readinessView, 2);
    layout->addLayout(buttons);
    layout->addWidget(m_planView, 3);
    layout->addWidget(m_message);
    connect(again, &QPushButton::clicked, m_db, &DatabaseSession::makePlan);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the plan as JSON"),
                                                          QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/plan.json"),
                                                          tr("JSON files (*.json)"));
        if (!path.isEmpty())
            savePlanJsonTo(path);
    });
    connect(m_accept, &QPushButton::clicked, m_readiness, &ReadinessSession::acceptEverySuggestion);
    connect(m_readinessView, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
        const QString step = index.data(ReadinessModel::StepRole).toString();
        if (!step.isEmpty())
            emit openItem(step, index.data(ReadinessModel::RowKeyRole).toString());
    });
    connect(db, &DatabaseSession::changed, this, &PlanPage::refresh);
    connect(readiness, &ReadinessSession::changed, this, &PlanPage::refreshReadiness);
}

void PlanPage::initializePage()
{
    if (!m_db->plan())
        m_db->makePlan();
    refresh();
}

bool PlanPage::isComplete() const
{
    return WizardPage::isComplete() && m_db->plan().has_value();
}

QString PlanPage::attention() const
{
    if (const int n = m_readiness->blockingCount(); n > 0)
        return tr("%Ln item(s) block the commit", nullptr, n);
    return m_db->plan() && m_db->plan()->hasConflicts() ? tr("%Ln conflict(s) with other schools", nullptr, int(m_db->plan()->conflicts.size()))
                                                        : QString();
}

void PlanPage::refresh()
{
    const bool ready = m_db->plan().has_value() && m_session->hasProject();
    m_planModel->setPlan(ready ? &*m_db->plan() : nullptr, ready ? m_session->project().school() : SchoolInfo{},
                         m_roster->roster(), ready ? m_session->accepted() : nullptr);
    for (int c = 0; c < PlanTreeModel::DetailsColumn; ++c)
        m_planView->resizeColumnToContents(c);
    if (!m_db->plan())
        m_message->setText(tr("Making the plan…"));
    else if (m_message->text() == tr("Making the plan…"))
        m_message->clear();
    refreshReadiness();
    emit completeChanged();
}

void PlanPage::refreshReadiness()
{
    m_readinessModel->setItems(m_readiness->items());
    m_readinessView->resizeColumnsToContents();
    const int blocking = m_readiness->blockingCount();
    const int warnings = m_readiness->warningCount();
    if (blocking > 0)
        m_summary->setText(tr("<b>Not ready:</b> %1 (and %Ln warning(s)). Click an item to resolve it where it belongs.", nullptr, warnings)
                               .arg(tr("%Ln item(s) block the commit", nullptr, blocking)));
    else
        m_summary->setText(warnings > 0 ? tr("<b>Ready:</b> nothing blocks the commit. %Ln warning(s) to read.", nullptr, warnings)
                                        : tr("<b>Ready:</b> nothing blocks the commit, and there are no warnings."));
    m_accept->setEnabled(m_readiness->acceptableCount() > 0);
    emit statusChanged();
}

bool PlanPage::savePlanJsonTo(const QString &path)
{
    const QJsonObject o = m_readiness->planJson();
    QSaveFile f(path);
    if (o.isEmpty() || !f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit()) {
        m_message->setText(o.isEmpty() ? tr("There is no plan to save yet.")
                                       : tr("Could not save the plan to %1: %2. Choose another folder and try again.")
                                             .arg(QDir::toNativeSeparators(path), f.errorString()));
        return false;
    }
    m_message->setText(tr("Plan saved to %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

// Commit

CommitPage::CommitPage(RecoverySession *session, DatabaseSession *db, ReadinessSession *readiness, QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_readiness(readiness)
{
    setObjectName(QStringLiteral("commitPage"));
    setTitle(tr("Commit"));
    setSubTitle(tr("Writes the plan in one transaction, after a backup of the database has been taken and checked. "
                   "Running it again adds nothing new."));
    m_what = new QLabel(this);
    m_what->setWordWrap(true);
    m_blocked = new QLabel(this);
    m_blocked->setObjectName(QStringLiteral("commitBlockedReason"));
    m_blocked->setWordWrap(true);
    m_blocked->setFrameShape(QFrame::StyledPanel);
    m_accept = new QPushButton(tr("&Accept every suggestion"), this);
    m_accept->setObjectName(QStringLiteral("acceptSuggestionsButton"));
    m_accept->setToolTip(tr("Answers every open question with its suggested answer in one step (Edit > Undo takes it back)."));
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("confirmDatabaseEdit"));
    m_confirm->setAccessibleName(tr("Type the database name to confirm"));
    m_backupDir = new QLineEdit(this);
    m_backupDir->setObjectName(QStringLiteral("backupDirEdit"));
    m_backupDir->setAccessibleName(tr("Backup folder"));
    m_skipConflicting = new QCheckBox(tr("Leave out rows that collide with another school's (they are listed in the plan)"), this);
    m_skipConflicting->setObjectName(QStringLiteral("skipConflictingCheck"));
    m_commit = new QPushButton(tr("&Write to the database"), this);
    m_commit->setObjectName(QStringLiteral("commitButton"));
    m_result = browser(this, QStringLiteral("commitResult"), tr("What was written"));
    auto *form = new QFormLayout;
    form->addRow(tr("Type the database &name to confirm:"), m_confirm);
    form->addRow(tr("&Backup folder:"), m_backupDir);
    auto *blockedRow = new QHBoxLayout;
    blockedRow->addWidget(m_blocked, 1);
    blockedRow->addWidget(m_accept, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_what);
    layout->addLayout(blockedRow);
    layout->addLayout(form);
    layout->addWidget(m_skipConflicting);
    layout->addWidget(m_commit, 0, Qt::AlignLeft);
    layout->addWidget(m_result, 1);
    connect(m_commit, &QPushButton::clicked, this, [this] {
        m_readiness->commit(m_confirm->text().trimmed(), m_backupDir->text().trimmed());
    });
    connect(m_accept, &QPushButton::clicked, m_readiness, &ReadinessSession::acceptEverySuggestion);
    connect(m_skipConflicting, &QCheckBox::toggled, m_readiness, &ReadinessSession::setSkipConflicting);
    connect(m_confirm, &QLineEdit::textChanged, this, &CommitPage::refresh);
    connect(db, &DatabaseSession::changed, this, &CommitPage::refresh);
    connect(readiness, &ReadinessSession::changed, this, &CommitPage::refresh);
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_backupDir->setText(QFileInfo(m_session->projectPath()).absolutePath() + QStringLiteral("/backups"));
    });
    refresh();
}

bool CommitPage::isComplete() const
{
    return WizardPage::isComplete() && m_db->applied().has_value();
}

QString CommitPage::attention() const
{
    return m_readiness->isReady() ? QString() : tr("%Ln item(s) block the commit", nullptr, m_readiness->blockingCount());
}

void CommitPage::refresh()
{
    const QString name = m_db->identity() ? m_db->identity()->database : QString();
    m_what->setText(m_db->identity() ? tr("You are about to write to <b>%1</b> on <b>%2</b>. Type its name below to confirm.")
                                           .arg(name.toHtmlEscaped(), m_db->identity()->host.toHtmlEscaped())
                                     : tr("Connect to a database first (step 9)."));
    if (m_skipConflicting->isChecked() != m_readiness->skipConflicting())
        m_skipConflicting->setChecked(m_readiness->skipConflicting());
    const bool ready = m_readiness->isReady();
    m_blocked->setVisible(!ready);
    m_accept->setVisible(!ready);
    m_accept->setEnabled(m_readiness->acceptableCount() > 0 && !m_session->isBusy());
    m_blocked->setText(ready ? QString() : tr("<b>Writing is blocked.</b> %1").arg(m_readiness->reason().toHtmlEscaped()));
    m_commit->setEnabled(ready && m_db->plan().has_value() && !name.isEmpty() && m_confirm->text().trimmed() == name);
    m_commit->setToolTip(ready ? QString() : m_readiness->reason());
    if (m_db->applied())
        m_result->setHtml(pre(m_db->applied()->describe()));
    emit completeChanged();
    emit statusChanged();
}

// Verify & report

VerifyPage::VerifyPage(RecoverySession *session, DatabaseSession *db, RosterSession *roster, QWidget *parent)
    : WizardPage(session, parent), m_db(db), m_roster(roster)
{
    setObjectName(QStringLiteral("verifyPage"));
    setTitle(tr("Verify and report"));
    setSubTitle(tr("Re-reads the database and compares it with the project: every incident, every link. Then save the "
                   "recovery report for your records."));
    auto *verify = new QPushButton(tr("&Check the database again"), this);
    verify->setObjectName(QStringLiteral("verifyButton"));
    auto *report = new QPushButton(tr("&Save the recovery report"), this);
    report->setObjectName(QStringLiteral("saveReportButton"));
    report->setToolTip(tr("As a web page or PDF to read and print, as JSON for programs, or as CSV files for spreadsheets."));
    auto *menu = new QMenu(report);
    menu->setObjectName(QStringLiteral("saveReportMenu"));
    const std::pair<ReportFormat, QString> formats[] = {
        {ReportFormat::Html, tr("As a &web page (HTML)…")},
        {ReportFormat::Pdf, tr("As a &PDF document to print…")},
        {ReportFormat::Json, tr("As &JSON for other programs…")},
        {ReportFormat::Csv, tr("As &CSV files for a spreadsheet (a folder)…")},
    };
    for (const auto &[format, text] : formats) {
        QAction *action = menu->addAction(text);
        action->setObjectName(QStringLiteral("saveReport%1Action").arg(QString::fromLatin1(QMetaEnum::fromType<ReportFormat>().valueToKey(int(format)))));
        connect(action, &QAction::triggered, this, [this, format] { saveReport(format); });
    }
    report->setMenu(menu);
    m_checklist = new QTreeWidget(this);
    m_checklist->setObjectName(QStringLiteral("verifyChecklist"));
    m_checklist->setAccessibleName(tr("Verification checklist"));
    m_checklist->setRootIsDecorated(false);
    m_checklist->setHeaderLabels({tr("Check"), tr("Found"), tr("Expected"), tr("Result")});
    m_result = browser(this, QStringLiteral("verifyResult"), tr("Verification"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("reportMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(verify);
    buttons->addWidget(report);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_checklist, 2);
    layout->addWidget(m_result, 1);
    layout->addWidget(m_message);
    connect(verify, &QPushButton::clicked, m_db, &DatabaseSession::verify);
    connect(db, &DatabaseSession::changed, this, &VerifyPage::refresh);
}

void VerifyPage::initializePage()
{
    if (!m_db->verified() && m_db->applied())
        m_db->verify();
    refresh();
}

void VerifyPage::refresh()
{
    m_checklist->clear();
    if (!m_db->verified()) {
        m_result->setHtml(m_db->applied() ? tr("<p>Checking…</p>") : tr("<p>Nothing has been written yet (step 11).</p>"));
        return;
    }
    const VerifyResult &v = *m_db->verified();
    // each check: what, found, expected, passed (the mark is a word and a symbol, not only a colour)
    auto check = [this](const QString &what, qint64 found, qint64 expected, bool pass) {
        auto *item = new QTreeWidgetItem(m_checklist, {what, QLocale().toString(found), QLocale().toString(expected),
                                                       pass ? tr("✓ Pass") : tr("✗ Fail")});
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        QFont f = item->font(3);
        f.setBold(!pass);
        item->setFont(3, f);
    };
    check(tr("Organization row of the school"), v.organizationPresent ? 1 : 0, 1, v.organizationPresent);
    check(tr("Incidents present"), v.incidentsPresent, v.incidentsChecked, v.incidentsPresent == v.incidentsChecked);
    check(tr("Incidents present more than once"), v.incidentsDuplicated, 0, v.incidentsDuplicated == 0);
    check(tr("Incidents linked to their student"), v.linkedStudents, v.studentLinksExpected,
          v.linkedStudents == v.studentLinksExpected);
    check(tr("Incidents linked to their classroom"), v.linkedClassrooms, v.classroomLinksExpected,
          v.linkedClassrooms == v.classroomLinksExpected);
    check(tr("Incident fields as written (name, teacher, level, category, location, action, note, device, time, type)"),
          v.incidentFieldsChecked - v.incidentFieldsDiffering, v.incidentFieldsChecked, v.incidentFieldsDiffering == 0);
    check(tr("Teachers present"), v.teachersPresent, v.teachersExpected, v.teachersPresent == v.teachersExpected);
    check(tr("Classrooms present"), v.classroomsPresent, v.classroomsExpected, v.classroomsPresent == v.classroomsExpected);
    check(tr("Students present"), v.studentsPresent, v.studentsExpected, v.studentsPresent == v.studentsExpected);
    check(tr("Student fields as written (first and last name, guardians, notes, classroom)"),
          v.studentFieldsChecked - v.studentFieldsDiffering, v.studentFieldsChecked, v.studentFieldsDiffering == 0);
    for (int c = 1; c < 4; ++c)
        m_checklist->resizeColumnToContents(c);
    m_checklist->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_checklist->header()->setStretchLastSection(false);
    m_result->setHtml(v.ok() ? pre(tr("Everything matches the project."))
                             : pre(tr("%Ln difference(s):\n", nullptr, int(v.differences.size())) + v.differences.join(u'\n')));
}

void VerifyPage::saveReport(ReportFormat format)
{
    const QString folder = QFileInfo(m_session->projectPath()).absolutePath();
    QString path;
    switch (format) {
    case ReportFormat::Html:
        path = QFileDialog::getSaveFileName(this, tr("Save the recovery report as a web page"),
                                            folder + QStringLiteral("/recovery-report.html"), tr("Web pages (*.html)"));
        break;
    case ReportFormat::Pdf:
        path = QFileDialog::getSaveFileName(this, tr("Save the recovery report as PDF"),
                                            folder + QStringLiteral("/recovery-report.pdf"), tr("PDF documents (*.pdf)"));
        break;
    case ReportFormat::Json:
        path = QFileDialog::getSaveFileName(this, tr("Save the recovery report as JSON"),
                                            folder + QStringLiteral("/recovery-report.json"), tr("JSON files (*.json)"));
        break;
    case ReportFormat::Csv:
        path = QFileDialog::getExistingDirectory(this, tr("Choose the folder for the CSV files (teachers, classrooms, "
                                                          "students, quarantine)"),
                                                 folder);
        break;
    }
    if (!path.isEmpty())
        saveReportTo(path, format);
}

bool VerifyPage::saveReportTo(const QString &path, ReportFormat format)
{
    const QString shown = QDir::toNativeSeparators(path);
    auto fail = [&](const QString &why) {
        m_message->setText(tr("Could not save the report to %1: %2. Choose another folder (one you can write to, "
                              "with free space) and try again.")
                               .arg(shown, why));
        theme::setProblem(m_message, true);
        return false;
    };
    if (!m_session->hasProject())
        return fail(tr("no project is open"));
    try {
        const Project &project = m_session->project();
        if (format != ReportFormat::Csv && !QFileInfo(path).absoluteDir().exists()) // the dialog picked it: never a folder made up here
            return fail(tr("the folder %1 does not exist").arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath())));
        if (format == ReportFormat::Pdf) {
            PrivateFile file(path); // 0600: the report names children; throws UserError naming the file
            QSaveFile &f = file.device();
            if (!printHtmlToPdf(QString::fromUtf8(htmlReportBytes(project, m_roster->roster())), &f, tr("Recovery report")))
                return fail(f.errorString().isEmpty() ? tr("the file could not be written") : f.errorString());
            file.commit();
        } else { // the same writer as `report --html/--json/--csv-dir`
            writeReport(project, m_roster->roster(),
                        format == ReportFormat::Html ? tt::ReportFormat::Html
                                                     : format == ReportFormat::Json ? tt::ReportFormat::Json : tt::ReportFormat::Csv,
                        path);
        }
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()));
    }
    theme::setProblem(m_message, false);
    m_message->setText(format == ReportFormat::Csv
                           ? tr("Report saved as teachers.csv, classrooms.csv, students.csv and quarantine.csv in %1.").arg(shown)
                           : tr("Report saved to %1.").arg(shown));
    return true;
}

} // namespace tt::ui
