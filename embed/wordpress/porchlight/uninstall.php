<?php
/**
 * Removes the plugin's options when it is deleted from Plugins (not when it is deactivated).
 *
 * @package Porchlight
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'porchlight_edge_url' );
delete_option( 'porchlight_site_id' );
delete_option( 'porchlight_identity_secret' );
