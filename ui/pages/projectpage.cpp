#include "projectpage.h"

#include "common/errors.h"
#include "session/demoschool.h"
#include "session/envsetupsession.h"
#include "session/protectsession.h"
#include "protectpanel.h"
#include "theme.h"
#include "session/recoverysession.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QCommandLinkButton>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTimeZone>
#include <QVBoxLayout>

namespace tt::ui {

ProjectPage::ProjectPage(RecoverySession *session, EnvSetupSession *env, ProtectSession *protect, QWidget *parent)
    : WizardPage(session, parent), m_env(env), m_protect(protect)
{
    setObjectName(QStringLiteral("projectPage"));
    setTitle(tr("Recovery project"));
    setSubTitle(tr("A project is one file that keeps every source, choice and edit, so you can stop and carry on later."));

    QGroupBox *newBox = buildNewBox();
    QGroupBox *openBox = buildOpenBox();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("projectErrorLabel"));
    m_error->setWordWrap(true);
    theme::setProblem(m_error, true);
    m_error->hide();
    m_current = new QLabel(this);
    m_current->setObjectName(QStringLiteral("currentProjectLabel"));
    m_current->setWordWrap(true);

    auto *recover = new QVBoxLayout;
    if (m_env)
        recover->addWidget(buildEnvBox());
    recover->addWidget(newBox);
    recover->addWidget(openBox, 1);
    auto *recoverPane = new QWidget(this);
    recoverPane->setObjectName(QStringLiteral("recoverPane"));
    auto *columns = new QHBoxLayout(recoverPane);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addLayout(recover, 1);
    columns->addWidget(buildNeedsBox());
    m_modes = new QStackedWidget(this);
    m_modes->addWidget(recoverPane);
    if (m_protect)
        m_modes->addWidget(new ProtectPanel(m_protect, m_modes));

    auto *layout = new QVBoxLayout(this);
    if (m_protect)
        layout->addLayout(buildModeRow());
    layout->addWidget(m_current);
    layout->addWidget(m_modes, 1);
    layout->addWidget(m_error);

    setTabOrder(m_name, m_domain);
    setTabOrder(m_domain, m_zone);
    setTabOrder(m_zone, m_file);
    setTabOrder(m_file, m_browse);
    setTabOrder(m_browse, m_create);
    setTabOrder(m_create, m_recent);
    setTabOrder(m_recent, m_openRecent);
    setTabOrder(m_openRecent, m_openOther);
    setTabOrder(m_openOther, m_demo);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &name) {
        if (m_file->isModified())
            return;
        QString base = name.trimmed();
        base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("-"));
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        m_file->setText(base.isEmpty() ? QString() : QDir(dir).filePath(base.toLower() + QStringLiteral("-recovery.ttproj")));
    });
    connect(m_create, &QPushButton::clicked, this, &ProjectPage::createProject);
    connect(m_openRecent, &QPushButton::clicked, this, [this] {
        if (auto *item = m_recent->currentItem())
            openProject(item->data(Qt::UserRole).toString());
    });
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) { openProject(item->data(Qt::UserRole).toString()); });
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_current->setText(tr("Open project: <b>%1</b> (%2)")
                               .arg(m_session->project().school().name.toHtmlEscaped(), m_session->projectPath().toHtmlEscaped()));
        emit completeChanged();
        if (m_opening) {
            m_opening = false;
            emit projectOpenedFromFile();
        }
    });
    connect(session, &RecoverySession::taskFailed, this, [this](const QString &, const QString &message) {
        if (!m_opening)
            return;
        m_opening = false;
        showError(message);
        m_current->setText(m_session->hasProject() ? tr("Open project: <b>%1</b> (%2)")
                                                         .arg(m_session->project().school().name.toHtmlEscaped(),
                                                              m_session->projectPath().toHtmlEscaped())
                                                   : tr("No project is open yet."));
    });
    m_current->setText(tr("No project is open yet."));
    refreshRecent();
}

// "Start a new recovery": school name, domain, time zone, project file.
QGroupBox *ProjectPage::buildNewBox()
{
    auto *newBox = new QGroupBox(tr("Start a new recovery"), this);
    m_name = new QLineEdit(newBox);
    m_name->setObjectName(QStringLiteral("schoolNameEdit"));
    m_name->setPlaceholderText(tr("e.g. Wattle Grove Primary"));
    m_name->setAccessibleName(tr("School name"));
    m_domain = new QLineEdit(newBox);
    m_domain->setObjectName(QStringLiteral("domainEdit"));
    m_domain->setPlaceholderText(tr("e.g. wattlegrove.example.edu.au"));
    m_domain->setAccessibleName(tr("School domain"));
    m_zone = new QComboBox(newBox);
    m_zone->setObjectName(QStringLiteral("timeZoneCombo"));
    m_zone->setEditable(true);
    m_zone->setAccessibleName(tr("School time zone"));
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromLatin1(id));
    m_zone->setCurrentText(QString::fromLatin1(QTimeZone::systemTimeZoneId()));
    m_file = new QLineEdit(newBox);
    m_file->setObjectName(QStringLiteral("projectFileEdit"));
    m_file->setAccessibleName(tr("Project file"));
    m_file->setPlaceholderText(tr("Where to save the project (.ttproj)"));
    m_browse = new QPushButton(tr("Choose…"), newBox);
    m_browse->setObjectName(QStringLiteral("chooseFileButton"));
    m_browse->setAccessibleName(tr("Choose where to save the project"));
    m_create = new QPushButton(tr("Create project"), newBox);
    m_create->setObjectName(QStringLiteral("createProjectButton"));

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(m_browse);
    auto *form = new QFormLayout(newBox);
    form->addRow(tr("School &name:"), m_name);
    form->addRow(tr("&Domain (staff e-mail domain):"), m_domain);
    form->addRow(tr("&Time zone:"), m_zone);
    auto *fileLabel = new QLabel(tr("Project &file:"), newBox);
    fileLabel->setBuddy(m_file);
    form->addRow(fileLabel, fileRow);
    form->addRow(QString(), m_create);

    connect(m_browse, &QPushButton::clicked, this, &ProjectPage::browseSave);
    return newBox;
}

// "Or carry on with a project": the recent list and Open another file.
QGroupBox *ProjectPage::buildOpenBox()
{
    auto *openBox = new QGroupBox(tr("Or carry on with a project"), this);
    m_recent = new QListWidget(openBox);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setAccessibleName(tr("Recent projects"));
    m_recent->setUniformItemSizes(true);
    m_openRecent = new QPushButton(tr("Open selected"), openBox);
    m_openRecent->setObjectName(QStringLiteral("openRecentButton"));
    m_openOther = new QPushButton(tr("Open another file…"), openBox);
    m_openOther->setObjectName(QStringLiteral("openProjectButton"));
    auto *openButtons = new QHBoxLayout;
    openButtons->addWidget(m_openRecent);
    openButtons->addWidget(m_openOther);
    openButtons->addStretch();
    auto *openLayout = new QVBoxLayout(openBox);
    openLayout->addWidget(new QLabel(tr("Recent projects:"), openBox));
    openLayout->addWidget(m_recent);
    openLayout->addLayout(openButtons);

    connect(m_openOther, &QPushButton::clicked, this, &ProjectPage::browseOpen);
    return openBox;
}

// The two paths of the first page: recover a school (the wizard's steps), or protect a database.
QLayout *ProjectPage::buildModeRow()
{
    m_recoverMode = new QCommandLinkButton(tr("Recover a school"),
                                           tr("The roster is gone: rebuild teachers, classrooms and students from the "
                                              "incidents in the school's Google Sheet and write them back safely."),
                                           this);
    m_recoverMode->setObjectName(QStringLiteral("recoverModeButton"));
    m_protectMode = new QCommandLinkButton(tr("Protect a database"),
                                           tr("Before the next loss: prove the backup restores, rehearse a migration "
                                              "on a copy, snapshot the roster."),
                                           this);
    m_protectMode->setObjectName(QStringLiteral("protectModeButton"));
    auto *group = new QButtonGroup(this);
    for (QCommandLinkButton *b : {m_recoverMode, m_protectMode}) {
        b->setCheckable(true);
        group->addButton(b);
    }
    group->setExclusive(true);
    m_recoverMode->setChecked(true);
    connect(m_protectMode, &QAbstractButton::toggled, this, &ProjectPage::setProtectMode);
    auto *row = new QHBoxLayout;
    row->addWidget(m_recoverMode, 1);
    row->addWidget(m_protectMode, 1);
    return row;
}

void ProjectPage::setProtectMode(bool protect)
{
    m_modes->setCurrentIndex(protect ? 1 : 0);
    m_current->setVisible(!protect);
    if (protect) {
        setTitle(tr("Protect a database"));
        setSubTitle(tr("Checks that need no recovery project: each only reads the database (a migration is rehearsed "
                       "on a copy) and saves a report in the folder you choose."));
    } else {
        setTitle(tr("Recovery project"));
        setSubTitle(tr("A project is one file that keeps every source, choice and edit, so you can stop and carry on later."));
    }
    emit completeChanged();
    emit statusChanged(); // the step list shows only this page while protecting
}

bool ProjectPage::isProtectMode() const
{
    return m_modes->currentIndex() == 1;
}

bool ProjectPage::isComplete() const
{
    return m_modes->currentIndex() == 0 && WizardPage::isComplete();
}

// "What you need" for a recovery, and the demo school to try it on first.
QWidget *ProjectPage::buildNeedsBox()
{
    auto *box = new QGroupBox(tr("What you need"), this);
    box->setObjectName(QStringLiteral("needsBox"));
    box->setMaximumWidth(340);
    auto *list = new QLabel(box);
    list->setObjectName(QStringLiteral("needsLabel"));
    list->setWordWrap(true);
    list->setTextFormat(Qt::RichText);
    list->setText(tr("<ul style=\"margin-left:-20px\">"
                     "<li><b>The school's Google Sheet</b> (TrackTally's incident log), or its download as CSV "
                     "(one file per tab) or XLSX (the whole workbook).</li>"
                     "<li><i>Optional:</i> the school's student list (CSV, with guardians and classes) and staff "
                     "list.</li>"
                     "<li><b>The TrackTally database:</b> its connection address (postgresql://…) or TrackTally's "
                     "<b>.env</b> file, which names it.</li>"
                     "<li><b>A folder for backups:</b> a backup is taken and checked before anything is "
                     "written.</li></ul>"));
    m_demo = new QPushButton(tr("Try it on the demo school"), box);
    m_demo->setObjectName(QStringLiteral("demoButton"));
    m_demo->setToolTip(tr("Opens a demo project built from the sample exports shipped with TrackTally Recovery"));
    auto *demoHint = new QLabel(tr("An invented school (Wattle Grove Primary, 3,000 logs with every kind of "
                                   "spreadsheet quirk). Walk every step without touching real data."),
                                box);
    demoHint->setWordWrap(true);
    theme::setHint(demoHint);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(list);
    layout->addStretch(1);
    layout->addWidget(demoHint);
    layout->addWidget(m_demo);
    connect(m_demo, &QPushButton::clicked, this, &ProjectPage::openDemo);
    return box;
}

void ProjectPage::openDemo()
{
    try {
        if (!DemoSchool::open(*m_session, DemoSchool::defaultProjectPath())) {
            showError(tr("Wait until the current work has finished, then open the demo school again."));
            return;
        }
        showError({});
        emit projectCreated(); // the wizard goes on to the sheet exports, which fill in as they are read
    } catch (const std::exception &e) {
        showError(describeError(e));
    }
}

void ProjectPage::initializePage()
{
    refreshRecent();
}

void ProjectPage::refreshRecent()
{
    m_recent->clear();
    for (const QString &path : RecoverySession::recentProjects()) {
        if (!QFileInfo::exists(path))
            continue;
        auto *item = new QListWidgetItem(tr("%1 — %2").arg(QFileInfo(path).fileName(), QFileInfo(path).absolutePath()), m_recent);
        item->setData(Qt::UserRole, path);
    }
    m_openRecent->setEnabled(m_recent->count() > 0);
    if (m_recent->count() > 0)
        m_recent->setCurrentRow(0);
}

void ProjectPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ProjectPage::createProject()
{
    SchoolInfo school;
    school.name = m_name->text().trimmed();
    school.domain = m_domain->text().trimmed().toLower();
    school.timeZone = m_zone->currentText().trimmed();
    if (school.domain.isEmpty()) {
        showError(tr("Enter the school's domain (the part after @ in staff e-mail addresses), then press Create project."));
        m_domain->setFocus();
        return;
    }
    if (!school.timeZone.isEmpty() && !QTimeZone(school.timeZone.toUtf8()).isValid()) {
        showError(tr("'%1' is not a time zone this computer knows. Pick one from the list, e.g. Australia/Melbourne.").arg(school.timeZone));
        m_zone->setFocus();
        return;
    }
    QString path = m_file->text().trimmed();
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".ttproj");
    if (!path.isEmpty() && QFileInfo::exists(path)) {
        showError(tr("%1 already exists. Choose another file name, or open it below to carry on with it.").arg(path));
        return;
    }
    try {
        m_session->newProject(path, school);
        showError({});
        if (m_env && m_env->isLoaded())
            m_env->applyToProject(); // the confirmed parts of the .env; reads the sheet on the worker
        emit projectCreated();
    } catch (const std::exception &e) {
        showError(describeError(e));
    }
}

// "Start from TrackTally's .env": a file, then each part it gives, checked for confirmation.
QWidget *ProjectPage::buildEnvBox()
{
    auto *box = new QGroupBox(tr("Start from TrackTally's .env"), this);
    box->setObjectName(QStringLiteral("envBox"));
    auto *hint = new QLabel(tr("TrackTally's own configuration file names the sheet and its service account, the "
                               "school's domain, its administrators and the database. Nothing secret from it is "
                               "saved: the project keeps the file's path."),
                            box);
    hint->setWordWrap(true);
    m_envFile = new QLineEdit(box);
    m_envFile->setObjectName(QStringLiteral("envFileEdit"));
    m_envFile->setAccessibleName(tr("TrackTally's .env file"));
    m_envFile->setPlaceholderText(tr("e.g. /srv/tracktally/.env"));
    auto *browse = new QPushButton(tr("Choose…"), box);
    browse->setObjectName(QStringLiteral("chooseEnvButton"));
    browse->setAccessibleName(tr("Choose TrackTally's .env file"));
    auto *read = new QPushButton(tr("Read"), box);
    read->setObjectName(QStringLiteral("readEnvButton"));
    m_envParts = new QListWidget(box);
    m_envParts->setObjectName(QStringLiteral("envPartsList"));
    m_envParts->setAccessibleName(tr("What the .env gives: tick each part to use"));
    m_envParts->setMaximumHeight(110);
    m_envParts->hide();
    m_envProblems = new QLabel(box);
    m_envProblems->setObjectName(QStringLiteral("envProblemsLabel"));
    m_envProblems->setWordWrap(true);
    m_envProblems->setTextFormat(Qt::PlainText);
    theme::setProblem(m_envProblems, true);
    m_envProblems->hide();
    auto *row = new QHBoxLayout;
    row->addWidget(m_envFile, 1);
    row->addWidget(browse);
    row->addWidget(read);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(hint);
    layout->addLayout(row);
    layout->addWidget(m_envParts);
    layout->addWidget(m_envProblems);

    connect(read, &QPushButton::clicked, this, &ProjectPage::readEnv);
    connect(m_envFile, &QLineEdit::returnPressed, this, &ProjectPage::readEnv);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("TrackTally's .env file"), m_envFile->text(),
                                                          tr("Environment files (.env *.env);;All files (*)"));
        if (!path.isEmpty()) {
            m_envFile->setText(path);
            readEnv();
        }
    });
    connect(m_envParts, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const auto part = EnvSetupSession::Part(item->data(Qt::UserRole).toInt());
        m_env->setConfirmed(part, item->checkState() == Qt::Checked);
        if (part == EnvSetupSession::Domain && item->checkState() == Qt::Checked)
            m_domain->setText(m_env->domain());
    });
    return box;
}

void ProjectPage::readEnv()
{
    if (m_env->load(m_envFile->text()) && !m_env->domain().isEmpty())
        m_domain->setText(m_env->domain());
    showEnv();
}

void ProjectPage::showEnv()
{
    const QSignalBlocker block(m_envParts);
    m_envParts->clear();
    for (int p = 0; p < EnvSetupSession::PartCount; ++p) {
        const auto part = EnvSetupSession::Part(p);
        const QString text = m_env->partText(part);
        if (text.isEmpty())
            continue;
        auto *item = new QListWidgetItem(text, m_envParts);
        item->setData(Qt::UserRole, p);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(m_env->isConfirmed(part) ? Qt::Checked : Qt::Unchecked);
    }
    m_envParts->setVisible(m_envParts->count() > 0);
    QStringList problems = m_env->problems();
    if (!m_env->error().isEmpty())
        problems.prepend(m_env->error());
    else if (m_env->isLoaded() && !m_env->hasPart(EnvSetupSession::Sheet))
        problems << m_env->config()->sheetProblem();
    m_envProblems->setText(problems.join(u'\n'));
    m_envProblems->setVisible(!problems.isEmpty());
}

void ProjectPage::openProject(const QString &path)
{
    // Read on the worker: a project with a million logs takes seconds, and the window must not freeze.
    if (!m_session->openProjectInBackground(path)) {
        showError(tr("Wait until the current work has finished, then open the project again."));
        return;
    }
    m_opening = true;
    showError({});
    m_current->setText(tr("Opening %1…").arg(path.toHtmlEscaped()));
}

void ProjectPage::browseSave()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the recovery project as"), m_file->text(),
                                                      tr("Recovery projects (*.ttproj)"));
    if (!path.isEmpty()) {
        m_file->setText(path);
        m_file->setModified(true);
    }
}

void ProjectPage::browseOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a recovery project"), QString(),
                                                      tr("Recovery projects (*.ttproj);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

} // namespace tt::ui
