<?php
// Copied into the wiki folder by `coacte wiki up` (coacte/wiki/local.py), which rewrites
// the copy when this file changes: edit this file, coacte/wiki/php/accounts.php.
// Reads {"users": [{"name", "password", "groups"}], "botpassword": {"user", "appid",
// "password", "grants"}} on standard input, so that no password is on a command line.
require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

use MediaWiki\Auth\AuthManager;
use MediaWiki\MediaWikiServices;

class CoacteAccounts extends Maintenance {
	public function execute() {
		$request = json_decode( file_get_contents( 'php://stdin' ), true );
		if ( !is_array( $request ) ) {
			$this->fatalError( 'expected a JSON request on standard input' );
		}
		foreach ( $request['users'] ?? [] as $spec ) {
			$this->setUser( $spec['name'], $spec['password'], $spec['groups'] );
		}
		if ( isset( $request['botpassword'] ) ) {
			$this->setBotPassword( $request['botpassword'] );
		}
	}

	private function setUser( string $name, string $password, array $groups ): void {
		$services = MediaWikiServices::getInstance();
		$user = $services->getUserFactory()->newFromName( $name );
		if ( !$user ) {
			$this->fatalError( "invalid user name: $name" );
		}
		if ( $user->idForName() === 0 ) {
			$status = $services->getAuthManager()->autoCreateUser(
				$user, AuthManager::AUTOCREATE_SOURCE_MAINT, false );
			if ( !$status->isGood() ) {
				$this->fatalError( "creating $name: " . $this->text( $status ) );
			}
			$this->output( "$name: created\n" );
		}
		$groupManager = $services->getUserGroupManager();
		$unknown = array_diff( $groups, $groupManager->listAllGroups() );
		if ( $unknown ) {
			$this->fatalError( "$name: unknown groups " . implode( ', ', $unknown ) );
		}
		$groupManager->addUserToMultipleGroups(
			$user, array_diff( $groups, $groupManager->getUserGroups( $user ) ) );
		$status = $user->changeAuthenticationData(
			[ 'username' => $user->getName(), 'password' => $password, 'retype' => $password ] );
		if ( !$status->isGood() ) {
			$this->fatalError( "setting the password of $name: " . $this->text( $status ) );
		}
		$user->saveSettings();
		$this->output( "$name: password set, groups " . implode( ', ', $groups ) . "\n" );
	}

	private function setBotPassword( array $spec ): void {
		$services = MediaWikiServices::getInstance();
		$user = $services->getUserFactory()->newFromName( $spec['user'] );
		if ( !$user || $user->idForName() === 0 ) {
			$this->fatalError( "no user {$spec['user']} for the BotPassword" );
		}
		$invalid = array_diff( $spec['grants'], $services->getGrantsInfo()->getValidGrants() );
		if ( $invalid ) {
			$this->fatalError( 'invalid grants: ' . implode( ', ', $invalid ) );
		}
		$store = $services->getBotPasswordStore();
		// 1 = IDBAccessObject::READ_LATEST (a global interface in 1.39, Wikimedia\Rdbms in 1.43).
		$exists = $store->getByUser( $user, $spec['appid'], 1 ) !== null;
		$botPassword = $store->newUnsavedBotPassword(
			[ 'user' => $user, 'appId' => $spec['appid'], 'grants' => $spec['grants'] ] );
		if ( !$botPassword ) {
			$this->fatalError( 'the BotPassword could not be made' );
		}
		// An update replaces the password, the grants and the token (old sessions end).
		$status = $botPassword->save( $exists ? 'update' : 'insert',
			$services->getPasswordFactory()->newFromPlaintext( $spec['password'] ) );
		if ( !$status->isGood() ) {
			$this->fatalError( 'saving the BotPassword: ' . $this->text( $status ) );
		}
		$this->output( ( $exists ? 'BotPassword replaced' : 'BotPassword created' ) . "\n" );
	}

	private function text( $status ): string {
		return $status->getMessage( false, false, 'en' )->text();
	}
}

$maintClass = CoacteAccounts::class;
require_once RUN_MAINTENANCE_IF_MAIN;
