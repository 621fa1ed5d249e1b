; The Windows installer for sen, built by dist/build.sh with Debian's makensis:
;   makensis -DVERSION=0.2.0 -DSTAGE=dir -DOUTFILE=file.exe dist/windows/installer.nsi
; It installs for the person running it (no administrator rights: a SENCO on a school
; laptop rarely has them) into %LOCALAPPDATA%\Programs\sen, puts that folder on their PATH,
; and registers an uninstaller under Settings > Apps (HKCU ...\Uninstall\sen).
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

Name "sen ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\sen"
SetCompressor /SOLID lzma
; No file times from the build machine in the installer: the same input gives the same file.
SetDateSave off

!define MUI_FINISHPAGE_TEXT "sen is installed and on your PATH.$\r$\n$\r$\nOpen a NEW PowerShell or Command Prompt window (or restart VS Code) and type:$\r$\n$\r$\n    sen --help$\r$\n$\r$\nThe guide is in $INSTDIR\README.md; the example school is in $INSTDIR\examples\oakfield."
!insertmacro MUI_PAGE_LICENSE "${STAGE}\LICENSE-MIT"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

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
  DeleteRegKey HKCU "${UNINST}"

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
