; The Windows installer for sen, built by dist/build.sh with Debian's makensis:
;   makensis -DVERSION=0.2.0 -DSTAGE=dir -DOUTFILE=file.exe dist/windows/installer.nsi
; It installs for the person running it (no administrator rights: a SENCO on a school
; laptop rarely has them) into %LOCALAPPDATA%\Programs\sen, puts that folder on their PATH,
; and registers an uninstaller under Settings > Apps (HKCU ...\Uninstall\sen). It asks once
; for the school's records folder (default Documents\SEN records, made with `sen init` in a
; console window when it has no school.yaml yet), remembers it (HKCU\Software\sen), and adds
; a Start-menu entry "sen" that runs `sen serve` on it: the records open in the browser.
Unicode true
!ifndef VERSION | STAGE | OUTFILE
  !error "give -DVERSION=, -DSTAGE= and -DOUTFILE="
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "StrFunc.nsh"
${StrStr}
${UnStrRep}

!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\sen"
!define SETTINGS "Software\sen"

; The school's records folder, asked for once and remembered for the next install.
Var RECORDS
; The same folder as one quoted argument on a command line (see RecordsArg).
Var RECORDS_ARG

Name "sen ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\sen"
SetCompressor /SOLID lzma
; No file times from the build machine in the installer: the same input gives the same file.
SetDateSave off

!define MUI_FINISHPAGE_TEXT "sen is installed.$\r$\n$\r$\nTo see the records, choose sen in the Start menu: your web browser opens on them (a small window stays open in the taskbar while sen runs; close it to stop sen).$\r$\n$\r$\nsen is also on your PATH: in a NEW PowerShell window, type  sen --help$\r$\n$\r$\nThe guide is in $INSTDIR\README.md; the example school is in $INSTDIR\examples\oakfield."
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "Open the records in the web browser now"
!define MUI_FINISHPAGE_RUN_FUNCTION OpenRecords
!insertmacro MUI_PAGE_LICENSE "${STAGE}\LICENSE-MIT"
!insertmacro MUI_PAGE_DIRECTORY
!define MUI_PAGE_HEADER_TEXT "The school's SEN records"
!define MUI_PAGE_HEADER_SUBTEXT "Choose the folder sen keeps the records in."
!define MUI_DIRECTORYPAGE_TEXT_TOP "Choose the folder that holds the school's SEN records (the folder with school.yaml). If it has none yet, sen makes one there and asks, in a small window, for the school's name and the SENCO's. The Start-menu entry sen opens this folder in the web browser."
!define MUI_DIRECTORYPAGE_TEXT_DESTINATION "Records folder"
!define MUI_DIRECTORYPAGE_VARIABLE $RECORDS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; The records folder: /RECORDS=DIR on the command line (an IT technician's silent install),
; else the one remembered, else Documents\SEN records.
Function .onInit
  ReadRegStr $RECORDS HKCU "${SETTINGS}" "Records"
  StrCmp $RECORDS "" 0 +2
    StrCpy $RECORDS "$DOCUMENTS\SEN records"
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/RECORDS=" $1
  IfErrors +2
    StrCpy $RECORDS $1
FunctionEnd

; $RECORDS_ARG: the records folder to write between quotes on a command line. Windows
; reads a backslash before a quote as a quote taken literally, so a folder ending in one (a
; drive's root, E:\) would swallow its closing quote and the arguments after it; the
; backslash is doubled, which reads back as one.
Function RecordsArg
  StrCpy $RECORDS_ARG $RECORDS
  StrCpy $0 $RECORDS 1 -1
  StrCmp $0 "\" 0 +2
    StrCpy $RECORDS_ARG "$RECORDS\"
FunctionEnd

; What the Start-menu entry does.
Function OpenRecords
  ExecShell "" "$SMPROGRAMS\sen.lnk"
FunctionEnd

Section "sen"
  SetOutPath "$INSTDIR"
  File "${STAGE}\sen.exe"
  File "${STAGE}\README.md"
  File "${STAGE}\LICENSE-MIT"
  File "${STAGE}\LICENSE-APACHE"
  File /r "${STAGE}\docs"
  File /r "${STAGE}\examples"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "${UNINST}" "DisplayName" "sen ${VERSION} (SEN records)"
  WriteRegStr HKCU "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST}" "Publisher" "the sen authors"
  WriteRegStr HKCU "${UNINST}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST}" "DisplayIcon" "$INSTDIR\sen.exe"
  WriteRegStr HKCU "${UNINST}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST}" "EstimatedSize" "$0"

  ; PATH (the user's own, HKCU\Environment): add the folder once. NSIS strings are at most
  ; 1024 characters: a longer PATH is left untouched (rather than cut short) and the
  ; person is told what to add by hand.
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $1 $0
  IntCmp $1 900 0 0 path_too_long
  ${StrStr} $2 ";$0;" ";$INSTDIR;"
  StrCmp $2 "" 0 path_done
  StrCmp $0 "" 0 +3
    WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
    Goto path_changed
  WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
  path_changed:
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  Goto path_done
  path_too_long:
  MessageBox MB_OK|MB_ICONINFORMATION "Your PATH is too long for this installer to change safely. Add this folder to it by hand (Settings > System > About > Advanced system settings > Environment Variables):$\r$\n$INSTDIR"
  path_done:

  ; The records folder: used as it is when it holds a school.yaml; else made by `sen init`
  ; in a console window, which asks for the school's and the SENCO's names (a silent
  ; install makes none). Never changed otherwise, and never removed by the uninstaller.
  Call RecordsArg
  IfFileExists "$RECORDS\school.yaml" records_ready
  IfSilent records_ready
  ExecWait '"$INSTDIR\sen.exe" init "$RECORDS_ARG"' $0
  StrCmp $0 "0" records_ready
  MessageBox MB_OK|MB_ICONEXCLAMATION "The records folder was not made. Open PowerShell and type:$\r$\n$\r$\n    sen init $\"$RECORDS$\"$\r$\n$\r$\nthen choose sen in the Start menu."
  records_ready:
  WriteRegStr HKCU "${SETTINGS}" "Records" "$RECORDS"
  ; "Start in" is the records folder (the shortcut's working folder is the out path).
  ; The entry runs sen through cmd.exe so that, when sen cannot start (the folder moved,
  ; its school.yaml gone), its message stays in the window, waiting for a key, instead of
  ; the window closing before anyone reads it. cmd takes the first and the last quote off
  ; what follows /c, leaving:  "...\sen.exe" --records "DIR" serve & if errorlevel 1 pause
  SetOutPath "$RECORDS"
  CreateShortCut "$SMPROGRAMS\sen.lnk" "$SYSDIR\cmd.exe" '/c ""$INSTDIR\sen.exe" --records "$RECORDS_ARG" serve & if errorlevel 1 pause"' "$INSTDIR\sen.exe" 0 SW_SHOWMINIMIZED "" "The school's SEN records in your web browser"
  SetOutPath "$INSTDIR"
SectionEnd

Section "Uninstall"
  ; Only what the installer put there: never a whole folder the person may have chosen.
  Delete "$INSTDIR\sen.exe"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\LICENSE-MIT"
  Delete "$INSTDIR\LICENSE-APACHE"
  RMDir /r "$INSTDIR\docs"
  RMDir /r "$INSTDIR\examples"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\sen.lnk"
  DeleteRegKey HKCU "${UNINST}"
  ; The records folder stays: it is the school's. Only the remembered path goes.
  DeleteRegKey HKCU "${SETTINGS}"

  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $1 $0
  IntCmp $1 900 0 0 unpath_done
  ${UnStrRep} $2 ";$0;" ";$INSTDIR;" ";"
  StrCpy $2 $2 "" 1
  StrCpy $2 $2 -1
  StrCmp $2 "" 0 +3
    DeleteRegValue HKCU "Environment" "Path"
    Goto unpath_changed
  WriteRegExpandStr HKCU "Environment" "Path" "$2"
  unpath_changed:
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  unpath_done:
SectionEnd
