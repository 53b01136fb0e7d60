<?php
/**
 * The CoActe extension's hook handlers: namespaces, the bots' change tag, the webhook that
 * tells the CO-ACTE service a debate page was saved, and links to the service's forms.
 *
 * Behaviour lives in the Python service; this class only declares things to MediaWiki and
 * forwards an event. Nothing here can slow down or break a save: the notification is sent
 * after the response, with a short timeout, and a failure is only logged.
 *
 * Written for both MediaWiki LTS a Debian machine brings: 1.39 (Debian 12, PHP 8.2,
 * tested) and 1.43 (Debian 13, PHP 8.4). The global names imported below are the 1.39
 * ones; 1.43 moved them (MediaWiki\Config\Config since 1.41,
 * MediaWiki\Deferred\DeferredUpdates since 1.42, MediaWiki\Content\TextContent since
 * 1.43) and keeps the old names as class aliases, so one file serves both. The hook
 * interfaces used here (ListDefinedTags, ChangeTagsListActive, ChangeTagsAllowedAdd,
 * PageSaveComplete, SidebarBeforeOutput) have the same signatures in both. When 1.39
 * is dropped, import the namespaced names instead.
 *
 * @file
 * @license GPL-3.0-or-later
 */

namespace MediaWiki\Extension\CoActe;

use Config;
use DeferredUpdates;
use MediaWiki\ChangeTags\Hook\ChangeTagsAllowedAddHook;
use MediaWiki\ChangeTags\Hook\ChangeTagsListActiveHook;
use MediaWiki\ChangeTags\Hook\ListDefinedTagsHook;
use MediaWiki\Hook\SidebarBeforeOutputHook;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\Storage\Hook\PageSaveCompleteHook;
use TextContent;

class Hooks implements
	ListDefinedTagsHook,
	ChangeTagsListActiveHook,
	ChangeTagsAllowedAddHook,
	PageSaveCompleteHook,
	SidebarBeforeOutputHook
{
	/** @var HttpRequestFactory */
	private $httpRequestFactory;

	/** @var Config */
	private $config;

	public function __construct( HttpRequestFactory $httpRequestFactory, Config $mainConfig ) {
		$this->httpRequestFactory = $httpRequestFactory;
		$this->config = $mainConfig;
	}

	/**
	 * Registration callback: the namespace ids come from configuration
	 * ($wgCoActeDebateNamespace, $wgCoActeSynthesisNamespace; the talk namespace is id + 1),
	 * so a wiki whose ids 3000–3003 are taken can move them.
	 */
	public static function onRegistration(): void {
		$ids = [
			'NS_COACTE_DEBATE' => (int)( $GLOBALS['wgCoActeDebateNamespace'] ?? 3000 ),
			'NS_COACTE_SYNTHESIS' => (int)( $GLOBALS['wgCoActeSynthesisNamespace'] ?? 3002 ),
		];
		foreach ( $ids as $constant => $id ) {
			if ( !defined( $constant ) ) {
				define( $constant, $id );
				define( $constant . '_TALK', $id + 1 );
			}
			$GLOBALS['wgNamespacesWithSubpages'][$id] = true;
			$GLOBALS['wgNamespacesWithSubpages'][$id + 1] = true;
			$GLOBALS['wgContentNamespaces'][] = $id;
		}
	}

	/**
	 * CanonicalNamespaces: the canonical (English) names; localized names are in
	 * CoActe.namespaces.php.
	 *
	 * @param string[] &$namespaces
	 */
	public static function onCanonicalNamespaces( &$namespaces ) {
		$namespaces[NS_COACTE_DEBATE] = 'Debate';
		$namespaces[NS_COACTE_DEBATE_TALK] = 'Debate_talk';
		$namespaces[NS_COACTE_SYNTHESIS] = 'Synthesis';
		$namespaces[NS_COACTE_SYNTHESIS_TALK] = 'Synthesis_talk';
	}

	/** The tag the bots' edits carry, so patrollers can filter them. */
	private function botTag(): string {
		return (string)$this->config->get( 'CoActeBotTag' );
	}

	/** @inheritDoc */
	public function onListDefinedTags( &$tags ) {
		$tags[] = $this->botTag();
	}

	/** @inheritDoc */
	public function onChangeTagsListActive( &$tags ) {
		$tags[] = $this->botTag();
	}

	/**
	 * The bot adds the tag itself through the API (`tags=`), which MediaWiki only allows
	 * for tags declared here.
	 *
	 * @inheritDoc
	 */
	public function onChangeTagsAllowedAdd( &$allowedTags, $addTags, $user ) {
		$allowedTags[] = $this->botTag();
	}

	/**
	 * After a debate page is saved, tell the CO-ACTE service (signed, deferred, short
	 * timeout). A debate page is one in the debate namespace or one that calls the debate
	 * header template.
	 *
	 * @inheritDoc
	 */
	public function onPageSaveComplete( $wikiPage, $user, $summary, $flags, $revisionRecord, $editResult ) {
		$url = (string)$this->config->get( 'CoActeWebhookUrl' );
		$secret = (string)$this->config->get( 'CoActeWebhookSecret' );
		if ( $url === '' || $secret === '' || $editResult->isNullEdit() ) {
			return;
		}
		$title = $wikiPage->getTitle();
		$content = $revisionRecord->getContent( 'main' );
		$text = $content instanceof TextContent ? $content->getText() : '';
		$header = (string)$this->config->get( 'CoActeHeaderTemplate' );
		if ( $title->getNamespace() !== NS_COACTE_DEBATE && strpos( $text, $header ) === false ) {
			return;
		}
		$body = json_encode( [
			'title' => $title->getPrefixedText(),
			'namespace' => $title->getNamespace(),
			'revid' => $revisionRecord->getId(),
			'user' => $user->getName(),
			'wiki' => \WikiMap::getCurrentWikiId(),
		], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		$timeout = (float)$this->config->get( 'CoActeWebhookTimeout' );
		$factory = $this->httpRequestFactory;
		DeferredUpdates::addCallableUpdate( static function () use ( $factory, $url, $secret, $body, $timeout ) {
			$timestamp = (string)time();
			$nonce = bin2hex( random_bytes( 16 ) );
			$signature = hash_hmac( 'sha256', "$timestamp.$nonce.$body", $secret );
			$request = $factory->create( $url, [
				'method' => 'POST',
				'postData' => $body,
				'timeout' => $timeout,
				'connectTimeout' => $timeout,
			], __METHOD__ );
			$request->setHeader( 'Content-Type', 'application/json' );
			$request->setHeader( 'X-CoActe-Timestamp', $timestamp );
			$request->setHeader( 'X-CoActe-Nonce', $nonce );
			$request->setHeader( 'X-CoActe-Signature', 'sha256=' . $signature );
			$status = $request->execute();
			if ( !$status->isOK() ) {
				LoggerFactory::getInstance( 'CoActe' )->warning(
					'CO-ACTE webhook to {url} failed: {error}',
					[ 'url' => $url, 'error' => $status->getWikiText( false, false, 'en' ) ]
				);
			}
		} );
	}

	/**
	 * The sidebar's CO-ACTE section: the portal page (which `coacte install` writes),
	 * then, when $wgCoActeFormsUrl is set, the service's forms and desk.
	 *
	 * @inheritDoc
	 */
	public function onSidebarBeforeOutput( $skin, &$sidebar ): void {
		$sidebar['coacte-sidebar'] = [ [
			'text' => $skin->msg( 'coacte-sidebar-portal' )->text(),
			'href' => $skin::makeInternalOrExternalUrl( 'CO-ACTE' ),
			'id' => 'n-coacte-portal',
		] ];
		$base = rtrim( (string)$this->config->get( 'CoActeFormsUrl' ), '/' );
		if ( $base === '' ) {
			return;
		}
		$links = [
			[ 'msg' => 'coacte-sidebar-new-debate', 'path' => '/debates/new', 'id' => 'n-coacte-new-debate' ],
			[ 'msg' => 'coacte-sidebar-import', 'path' => '/import', 'id' => 'n-coacte-import' ],
			[ 'msg' => 'coacte-sidebar-reactions', 'path' => '/reactions', 'id' => 'n-coacte-reactions' ],
		];
		if ( $skin->getAuthority()->isAllowed( 'coacte-moderate' ) ) {
			$links[] = [ 'msg' => 'coacte-sidebar-moderation', 'path' => '/moderation/', 'id' => 'n-coacte-moderation' ];
		}
		foreach ( $links as $link ) {
			$sidebar['coacte-sidebar'][] = [
				'text' => $skin->msg( $link['msg'] )->text(),
				'href' => $base . $link['path'],
				'id' => $link['id'],
			];
		}
	}
}
